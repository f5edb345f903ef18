/**
 * Lists an input's files: a single file, a folder (recursively, in name order, skipping
 * hidden `.`/`_` entries such as _SUCCESS), the Kinesis Firehose `YYYY/MM/DD/HH/` layout
 * (a folder tree like any other) and Hive-partitioned Parquet folders (`k=v/`).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parsePartitionPath } from './hive.ts';
import { InputFileError } from './types.ts';

export interface InputFile {
  readonly path: string;
  readonly size: number;
  /** Last modification time: with the size, what tells a processed file from a rewritten one. */
  readonly mtimeMs: number;
  /** Partition values from `k=v` folders between the location and the file. */
  readonly partition: Readonly<Record<string, string | null>>;
}

export interface InputListing {
  readonly files: readonly InputFile[];
  /** Partition column names, outermost first (Parquet folders only). */
  readonly partitionColumns: readonly string[];
}

/** The file names each format reads (the Spark driver has the same list, FILE_PATTERNS). */
export const EXTENSIONS: Record<'jsonl' | 'csv' | 'parquet', RegExp> = {
  jsonl: /\.(jsonl?|ndjson|json\.gz|jsonl\.gz|ndjson\.gz|gz|txt)$|^[^.]+$/i,
  csv: /\.(csv|tsv|txt|csv\.gz)$/i,
  parquet: /\.parquet$/i,
};

/** Whether a path below an input's location is a data file of the format: no hidden `.`/`_` part, a data file name. */
export function isDataFile(relPath: string, format: 'jsonl' | 'csv' | 'parquet'): boolean {
  const parts = relPath.split('/');
  return !parts.some((p) => p.startsWith('.') || p.startsWith('_')) && EXTENSIONS[format].test(parts[parts.length - 1]);
}

export async function listInputFiles(location: string, format: 'jsonl' | 'csv' | 'parquet'): Promise<InputListing> {
  let stat;
  try {
    stat = await fs.stat(location);
  } catch {
    throw new InputFileError(location, 'does not exist', 'check the input path (sample location or --input)');
  }
  if (stat.isFile()) return { files: [{ path: location, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs), partition: {} }], partitionColumns: [] };
  const files: InputFile[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
      const full = path.join(dir, e.name);
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(full, relPath);
      else if (e.isFile() && EXTENSIONS[format].test(e.name)) {
        const partition: Record<string, string | null> = {};
        for (const p of parsePartitionPath(rel)) partition[p.name] = p.value;
        const st = await fs.stat(full);
        files.push({ path: full, size: st.size, mtimeMs: Math.floor(st.mtimeMs), partition });
      }
    }
  };
  await walk(location, '');
  if (!files.length) {
    throw new InputFileError(location, `contains no ${format === 'jsonl' ? 'JSON lines' : format.toUpperCase()} files`, 'point the input at a folder with data files, or at a file');
  }
  const partitionColumns = format === 'parquet' ? Object.keys(files[0].partition) : [];
  return { files, partitionColumns };
}
