/**
 * Writes the files `etl init` and `etl new` create, all or none: when any of them exists
 * already, nothing is written and the error lists every file in the way.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors/index.ts';

/** A file to create: its path relative to the project root, and its content. */
export interface NewFile {
  readonly path: string;
  readonly content: string | Uint8Array;
}

export function writeNewFiles(root: string, files: readonly NewFile[], command: string): void {
  const inTheWay = files.filter((f) => existsSync(path.join(root, f.path))).map((f) => f.path);
  if (inTheWay.length) {
    throw new UsageError(
      `${command}: ${inTheWay.length} file(s) already exist in ${root}: ${inTheWay.join(', ')}; nothing was written`,
      `${command} never overwrites a file: move these away (or choose another folder or name) and run it again`,
    );
  }
  for (const f of files) {
    const file = path.join(root, f.path);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, f.content);
  }
}
