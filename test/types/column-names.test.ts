/**
 * Column names checked by the compiler. test/types/mistakes.ts holds one misspelt or missing
 * column per verb, each under `// @ts-expect-error names '<column>'`; test/types/correct.ts what
 * must stay accepted. tsc on the folder fails on any error, and on an expect-error with no error
 * under it. The same mistakes compiled without their directives must each give an error on their
 * line that names the column, so the editor's message points at the misspelling.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const TSC = path.join(ROOT, 'node_modules/.bin/tsc');

function tsc(project: string): { status: number | null; output: string } {
  const r = spawnSync(TSC, ['--noEmit', '--pretty', 'false', '-p', project], { cwd: HERE, encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

/** Errors by line, each with its continuation lines (where tsc names the type that does not fit). */
function errorsByLine(output: string, file: string): Map<number, string> {
  const errors = new Map<number, string>();
  let current: number | undefined;
  for (const line of output.split('\n')) {
    const m = /^(.+?)\((\d+),\d+\): error TS\d+: /.exec(line);
    if (m) current = path.basename(m[1]) === file ? Number(m[2]) : undefined;
    if (current !== undefined) errors.set(current, `${errors.get(current) ?? ''}${line}\n`);
  }
  return errors;
}

const EXPECT_ERROR = /^\s*\/\/ @ts-expect-error names '([^']+)'\s*$/;

describe('column names checked by TypeScript', () => {
  // Projects of their own, outside the repository, resolving 'lakeform' and zod as the repository does.
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'lakeform-types-'));
  beforeAll(() => symlinkSync(path.join(ROOT, 'node_modules'), path.join(scratch, 'node_modules'), 'dir'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const scratchProject = (name: string, file: string, text: string): string => {
    writeFileSync(path.join(scratch, file), text);
    const config = path.join(scratch, `tsconfig.${name}.json`);
    // No ambient node types: the files under test need none.
    writeFileSync(config, JSON.stringify({ extends: path.join(ROOT, 'tsconfig.json'), compilerOptions: { types: [] }, files: [file], include: [] }));
    return config;
  };

  it('tsc accepts test/types: the typed forms compile and every misspelling is refused', () => {
    const r = tsc(path.join(HERE, 'tsconfig.json'));
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('without its @ts-expect-error, each mistake is an error on its line that names the column', () => {
    const source = readFileSync(path.join(HERE, 'mistakes.ts'), 'utf8').split('\n');
    const cases: { line: number; column: string; code: string }[] = [];
    const stripped: string[] = [];
    for (const line of source) {
      const m = EXPECT_ERROR.exec(line);
      if (m) cases.push({ line: stripped.length + 1, column: m[1], code: '' });
      else {
        const pending = cases.at(-1);
        if (pending && pending.line === stripped.length + 1) pending.code = line.trim();
        stripped.push(line);
      }
    }
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(source.filter((l) => /^\s*\/\/ @ts-expect-error/.test(l)).length, 'every @ts-expect-error in mistakes.ts names its column').toBe(cases.length);

    const r = tsc(scratchProject('mistakes', 'mistakes.ts', stripped.join('\n')));
    expect(r.status).not.toBe(0);
    const errors = errorsByLine(r.output, 'mistakes.ts');
    for (const c of cases) {
      expect(errors.get(c.line), `no error at mistakes.ts:${c.line} (${c.code})`).toBeDefined();
      expect(errors.get(c.line), `the error at mistakes.ts:${c.line} (${c.code}) does not name '${c.column}'`).toMatch(new RegExp(`['"]${c.column}['"]`));
    }
    expect([...errors.keys()].sort((a, b) => a - b), 'errors on lines that are no case').toEqual(cases.map((c) => c.line));
  });

  it('the message for a misspelt col() names the column and the one meant', () => {
    const r = tsc(
      scratchProject(
        'misspelt',
        'misspelt.ts',
        [
          "import { col, type Dataset } from 'lakeform';",
          'declare const events: Dataset<{ event_id: string; amount: number | null }>;',
          "export const big = events.filter(col('amountt').gt(100));",
        ].join('\n'),
      ),
    );
    expect(r.status).not.toBe(0);
    expect(r.output).toContain(`misspelt.ts(3,`);
    expect(r.output).toContain(`Type '"amountt"' is not assignable to type`);
    expect(r.output).toContain(`Did you mean '"amount"'?`);
  });
});
