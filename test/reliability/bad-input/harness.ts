/**
 * Runs one input case through `etl run` (in this process) in every read mode, in a throwaway
 * project, and reports what happened: rows written, bad records with their line and reason, or
 * the error a person would see.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findProject, type Project } from '../../../framework/run/project.ts';
import { runJob } from '../../../framework/run/run-job.ts';
import { ROOT } from '../../run/helpers.ts';

export type Format = 'jsonl' | 'csv' | 'parquet';
export const MODES = ['permissive', 'dropmalformed', 'failfast'] as const;
export type Mode = (typeof MODES)[number];

export type Outcome =
  | {
      readonly kind: 'ok';
      readonly written: number;
      readonly read: number;
      /** Bad records counted (quarantined or dropped). */
      readonly badCount: number;
      /** Quarantined bad records, each with its line and reason (none under dropmalformed: counted, not kept). */
      readonly bad: readonly { line: number; reason: string }[];
      readonly rows: readonly Record<string, unknown>[];
    }
  | { readonly kind: 'error'; readonly name: string; readonly message: string; readonly hint?: string; readonly exitCode?: number };

/** The columns every case's input is read with. */
const SCHEMA = `z.object({
  id: z.int64(),
  name: z.string().nullable().optional(),
  n: z.int32().nullable().optional(),
  amount: z.float64().nullable().optional(),
  ts: z.iso.datetime().nullable().optional(),
  d: z.iso.date().nullable().optional(),
  kind: z.enum(['a', 'b']).nullable().optional(),
})`;

const INPUT: Record<Format, (mode: Mode) => string> = {
  jsonl: (mode) => `jsonLines({ path: 's3://b/in/', sample: 'in/', schema: Row, onBadRecord: '${mode}' })`,
  csv: (mode) => `csv({ path: 's3://b/in/', sample: 'in/', schema: Row, onBadRecord: '${mode}' })`,
  parquet: () => `parquet({ path: 's3://b/in/', sample: 'in/', schema: Row })`,
};

export interface Sandbox {
  readonly project: Project;
  readonly dir: string;
}

/** A project with one job per format and read mode, `<format>_<mode>`, writing `t.<format>_<mode>`. */
export function badInputProject(): Sandbox {
  const dir = mkdtempSync(path.join(tmpdir(), 'etl-bad-input-'));
  const framework = pathToFileURL(path.join(ROOT, 'framework/index.ts')).href;
  const zod = pathToFileURL(path.join(ROOT, 'node_modules/zod/index.js')).href;
  mkdirSync(path.join(dir, 'jobs'));
  mkdirSync(path.join(dir, 'in'));
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const format of ['jsonl', 'csv', 'parquet'] as const) {
    for (const mode of format === 'parquet' ? (['permissive'] as const) : MODES) {
      const name = `${format}_${mode}`;
      writeFileSync(
        path.join(dir, 'jobs', `${name}.ts`),
        `import { z } from '${zod}';
import { defineJob, jsonLines, csv, parquet, table } from '${framework}';
const Row = ${SCHEMA};
export default defineJob({
  name: '${name}',
  inputs: { raw: ${INPUT[format](mode)} },
  transform: ({ raw }) => raw,
  output: table('t.${name}', Row, { mode: 'overwrite' }),
});
`,
      );
    }
  }
  return { dir, project: { ...findProject(dir), stateDir: path.join(dir, '.etl'), defaultWarehouse: path.join(dir, 'warehouse') } };
}

let caseCounter = 0;

/** Writes the case's files into a fresh folder and runs the job for `format` and `mode` on it. */
export async function runCase(box: Sandbox, format: Format, mode: Mode, files: Readonly<Record<string, string | Uint8Array>>): Promise<Outcome> {
  const input = path.join(box.dir, 'cases', String(++caseCounter));
  mkdirSync(input, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(input, name)), { recursive: true });
    writeFileSync(path.join(input, name), content);
  }
  try {
    const r = await runJob(box.project, `${format}_${mode}`, { inputs: { raw: input } });
    const bad = r.quarantine
      ? readFileSync(r.quarantine, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { line: number; reason: string })
          .map(({ line, reason }) => ({ line, reason }))
      : [];
    const { duckdbRows } = await import('../../run/helpers.ts');
    const rows = r.output.rowsWritten ? await duckdbRows(`SELECT * FROM read_parquet('${r.output.location}/**/*.parquet') ORDER BY id`) : [];
    return { kind: 'ok', written: r.output.rowsWritten, read: r.rowsRead, badCount: r.badRecords, bad, rows };
  } catch (e) {
    const err = e as Error & { hint?: string; exitCode?: number };
    return { kind: 'error', name: err.name, message: err.message, ...(err.hint ? { hint: err.hint } : {}), ...(err.exitCode !== undefined ? { exitCode: err.exitCode } : {}) };
  }
}
