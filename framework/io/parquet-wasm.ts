/**
 * parquet-wasm, loaded so that a decoder failure cannot take the process down.
 *
 * The Rust decoder panics on some damaged files, and a panic in WebAssembly is a trap
 * (`RuntimeError: unreachable`). Two things make that a crash rather than an error:
 * - its async API runs Rust futures from `queueMicrotask` callbacks, so a trap there is an
 *   uncaught exception, and the promise the caller awaits never settles;
 * - after a trap the instance's state (its shadow stack pointer, allocator, borrowed cells)
 *   is left mid-operation, so reusing it can corrupt the next file's values.
 * So the package's glue code is evaluated here with a `queueMicrotask` that catches what the
 * task throws and rejects every call awaiting that instance (`settle`), and an instance that
 * has trapped is dropped: the next file gets a fresh one (the compiled module is reused).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import type * as ParquetWasm from 'parquet-wasm/node';
import { InternalError } from '../errors/index.ts';

export type ParquetWasmApi = typeof ParquetWasm;

export interface WasmInstance {
  readonly api: ParquetWasmApi;
  /** Awaits a promise of this instance's async API; rejects if the instance traps meanwhile. */
  settle<T>(p: Promise<T>): Promise<T>;
  /** Marks the instance unusable after a trap seen outside `settle` (a synchronous call). */
  discard(): void;
  /**
   * A Table from an Arrow IPC stream of `byteLength` bytes that `write` puts straight into the
   * instance's memory (zeroed first), where the decoder reads it. The glue's
   * `Table.fromIPCStream` takes a JS buffer and copies it in: making that buffer and the copy
   * cost more than the decoding (events_clean at 1M events: ~0.4 s of 0.6), as both touch
   * fresh memory, while the instance's memory is reused from file to file.
   */
  tableFromIPCStream(byteLength: number, write: (out: Buffer) => void): ParquetWasm.Table;
}

/**
 * The exports of the WebAssembly module that the generated glue calls (declared by the package
 * in parquet_wasm_bg.wasm.d.ts), for the one call made without the glue: tableFromIPCStream,
 * which does what the glue's Table.fromIPCStream does after its copy.
 */
interface RawExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  __wbindgen_malloc(size: number, align: number): number;
  __wbindgen_free(ptr: number, size: number, align: number): void;
  table_fromIPCStream(ptr: number, len: number): [number, number, number];
  readonly __wbindgen_externrefs: { get(index: number): unknown };
  __externref_table_dealloc(index: number): void;
}

/** The few parts of the WebAssembly global used here (the project's TypeScript libs declare only its namespace). */
interface WasmGlobal {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  RuntimeError: new (...args: never[]) => Error;
}
const WA = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;

const require = createRequire(import.meta.url);
let glue: { source: string; file: string; wasm: WasmGlobal } | undefined;
/** The exports of the module instance the glue made last (set while the glue is evaluated). */
let instantiated: object | undefined;
let current: WasmInstance | undefined;
/** How many instances were made (tests check that a trap leads to a fresh one). */
export let instancesCreated = 0;

/** True for an error thrown by the WebAssembly machine itself (a trap), not by the decoder's checks. */
export function isWasmTrap(e: unknown): boolean {
  return e instanceof WA.RuntimeError || (e instanceof Error && e.name === 'RuntimeError');
}

/** The live instance, made on first use (commands that never touch Parquet do not pay for it). */
export function parquetWasm(): WasmInstance {
  return (current ??= instantiate());
}

function instantiate(): WasmInstance {
  if (!glue) {
    const file = require.resolve('parquet-wasm/node');
    // The glue compiles its .wasm with `new WebAssembly.Module(bytes)`: compiled once, then shared by every instance.
    let compiled: object | undefined;
    const wasm = Object.create(WA, {
      // A function, not an arrow: it is called with `new`, and returning an object from a constructor returns that object.
      Module: {
        value: function cachedModule(bytes: Uint8Array) {
          return (compiled ??= new WA.Module(bytes));
        },
      },
      Instance: {
        value: function capturedInstance(module: object, imports: object) {
          const made = new WA.Instance(module, imports);
          instantiated = made.exports;
          return made;
        },
      },
    }) as WasmGlobal;
    glue = { source: readFileSync(file, 'utf8'), file, wasm };
  }
  let rejectTrap!: (e: unknown) => void;
  const trapped = new Promise<never>((_, reject) => (rejectTrap = reject));
  trapped.catch(() => undefined); // observed through settle(); never an unhandled rejection
  let raw: RawExports | undefined;
  const instance: WasmInstance = {
    api: undefined as unknown as ParquetWasmApi,
    settle: (p) => Promise.race([p, trapped]),
    discard: () => {
      if (current === instance) current = undefined;
    },
    tableFromIPCStream: (byteLength, write) => tableWrittenInPlace(raw!, instance.api, byteLength, write),
  };
  const guardedMicrotask = (task: () => void) =>
    queueMicrotask(() => {
      try {
        task();
      } catch (e) {
        instance.discard();
        rejectTrap(e);
      }
    });
  const exports = {};
  const module = { exports };
  const run = vm.compileFunction(glue.source, ['exports', 'require', 'module', '__filename', '__dirname', 'queueMicrotask', 'WebAssembly'], { filename: glue.file });
  run(exports, createRequire(glue.file), module, glue.file, path.dirname(glue.file), guardedMicrotask, glue.wasm);
  raw = rawExports(instantiated);
  (instance as { api: ParquetWasmApi }).api = module.exports as ParquetWasmApi;
  instancesCreated++;
  return instance;
}

/** The module's exports, checked to be the ones tableWrittenInPlace calls (a new parquet-wasm may name them otherwise). */
export function rawExports(exports: object | undefined): RawExports {
  const e = (exports ?? {}) as Partial<Record<keyof RawExports, unknown>>;
  const functions = ['__wbindgen_malloc', '__wbindgen_free', 'table_fromIPCStream', '__externref_table_dealloc'] as const;
  const objects = ['memory', '__wbindgen_externrefs'] as const;
  const missing = [...functions.filter((k) => typeof e[k] !== 'function'), ...objects.filter((k) => typeof e[k] !== 'object' || e[k] === null)];
  if (missing.length) {
    throw new InternalError(`parquet-wasm's WebAssembly module does not export ${missing.join(', ')}: framework/io/parquet-wasm.ts (tableFromIPCStream) must follow its generated glue's Table.fromIPCStream again`);
  }
  return e as RawExports;
}

/** WasmInstance.tableFromIPCStream: the glue's Table.fromIPCStream, with the stream written where its copy would go. */
function tableWrittenInPlace(raw: RawExports, api: ParquetWasmApi, byteLength: number, write: (out: Buffer) => void): ParquetWasm.Table {
  const ptr = raw.__wbindgen_malloc(byteLength, 1) >>> 0;
  try {
    write(Buffer.from(raw.memory.buffer, ptr, byteLength).fill(0));
  } catch (e) {
    raw.__wbindgen_free(ptr, byteLength, 1);
    throw e;
  }
  // The decoder owns the bytes from here (it frees them); it returns (table, error, failed).
  const [table, error, failed] = raw.table_fromIPCStream(ptr, byteLength);
  if (failed) {
    const e = raw.__wbindgen_externrefs.get(error);
    raw.__externref_table_dealloc(error);
    throw e;
  }
  return (api.Table as unknown as { __wrap(ptr: number): ParquetWasm.Table }).__wrap(table);
}
