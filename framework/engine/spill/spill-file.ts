/**
 * Spill files: batches an operator could not keep in memory, written once and read back once,
 * in order. A file is a sequence of frames, each a 4-byte length and one encoded batch
 * (batch-codec.ts). Files live in the run's spill folder (under its staging folder, which the
 * run removes when it ends and the next run sweeps after a kill); each operator also deletes
 * its own files as soon as it has read them back, so a run's disk use is its live spills only.
 *
 * Synchronous I/O: the engine pulls one batch at a time, there is nothing to overlap with, and
 * the sync calls cost less than promises per frame.
 */
import { closeSync, mkdirSync, openSync, readSync, rmSync, writevSync } from 'node:fs';
import path from 'node:path';
import type { Batch } from '../../columnar/column.ts';
import type { DatasetSchema } from '../../schema/types.ts';
import { InternalError } from '../../errors/index.ts';
import { decodeBatch, encodeBatch } from './batch-codec.ts';

/** Where an operator may spill, and how much it may hold in memory before it must. */
export interface SpillSettings {
  /** Estimated bytes of rows (framework/columnar/batch-bytes.ts) an operator may hold. */
  readonly memoryBudget: number;
  /** A folder only this run uses; created on the first spill. */
  readonly dir: string;
}

let fileCounter = 0;

export class SpillFile {
  private fd: number | null;
  readonly path: string;
  rows = 0;
  bytes = 0;

  constructor(dir: string, private readonly schema: DatasetSchema) {
    mkdirSync(dir, { recursive: true });
    this.path = path.join(dir, `${process.pid}-${++fileCounter}.spill`);
    this.fd = openSync(this.path, 'w');
  }

  append(b: Batch): void {
    if (b.length === 0) return;
    const { parts, byteLength } = encodeBatch(b);
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, byteLength, true);
    writevSync(this.fd!, [header, ...parts]);
    this.rows += b.length;
    this.bytes += 4 + byteLength;
  }

  /** The batches, in the order appended; the file is deleted once they are read (or the reader stops). */
  *read(): Generator<Batch> {
    this.closeWriter();
    const fd = openSync(this.path, 'r');
    try {
      const header = new Uint8Array(4);
      for (let pos = 0; pos < this.bytes; ) {
        readFully(fd, header, pos, this.path);
        const length = new DataView(header.buffer).getUint32(0, true);
        const frame = new Uint8Array(length);
        readFully(fd, frame, pos + 4, this.path);
        pos += 4 + length;
        yield decodeBatch(this.schema, frame);
      }
    } finally {
      closeSync(fd);
      this.delete();
    }
  }

  delete(): void {
    this.closeWriter();
    rmSync(this.path, { force: true });
  }

  private closeWriter(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}

function readFully(fd: number, into: Uint8Array, position: number, file: string): void {
  for (let done = 0; done < into.length; ) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new InternalError(`spill file ${file} ended early at byte ${position + done}`);
    done += n;
  }
}
