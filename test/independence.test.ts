/**
 * The framework's tests never read the example project (jobs/, schemas/, sample/, pipelines/,
 * etl.config.ts at the repository root): those are the user's, who adds and changes jobs there.
 * The tests use their own projects under test/fixtures/. This scans the test sources for every
 * way they could reach the examples: a relative import or path that resolves into them, a path
 * joined onto the repository root, the CLI or findProject run at the root, a file opened relative
 * to the working directory (the root, under vitest). The examples' own checks live in
 * test/examples/ (npm run test:examples) and are the only exception.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fg from 'fast-glob';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE_ENTRIES = ['jobs', 'schemas', 'sample', 'pipelines', 'etl.config.ts'];
const EXAMPLES = EXAMPLE_ENTRIES.join('|');

/** Where a test source reaches the example project, as `file:line: text`. */
function referencesToExamples(file: string, text: string, repo = REPO): string[] {
  const found: string[] = [];
  const lines = text.split('\n');
  const report = (i: number) => found.push(`${path.relative(repo, file)}:${i + 1}: ${lines[i].trim()}`);
  const inExamples = (p: string) => EXAMPLE_ENTRIES.some((e) => p === path.join(repo, e) || p.startsWith(path.join(repo, e) + path.sep));
  lines.forEach((line, i) => {
    // A relative import or path literal that resolves into the examples.
    for (const m of line.matchAll(/['"`](\.{1,2}\/[^'"`$]*)['"`]/g)) if (inExamples(path.resolve(path.dirname(file), m[1]))) return report(i);
    // A path joined onto the repository root, a CLI or project lookup at the root.
    if (new RegExp(`(ROOT|REPO)\\s*,\\s*['"\`](\\./)?(${EXAMPLES})\\b|\\$\\{(\\w*ROOT|REPO)\\}/(${EXAMPLES})\\b`).test(line)) return report(i);
    if (/cwd:\s*(this\.)?\w*(ROOT|root)\b|findProject\(\s*\w*ROOT\s*\)|findProject\(\)|loadEnvironment\(\s*\w*ROOT\b/.test(line)) return report(i);
    // A file opened relative to the working directory, which is the repository root under vitest.
    if (new RegExp(`(Sync|fg\\.sync|glob)\\(\\s*['"\`](\\./)?(${EXAMPLES})\\b`).test(line)) return report(i);
  });
  return found;
}

describe("the framework's tests and the example project", () => {
  it('no test outside test/examples/ reads the examples (jobs/, schemas/, sample/, pipelines/, etl.config.ts)', () => {
    // With the bench modules the smoke test runs (test/bench); bench:cold and bench:spark measure the examples on purpose.
    const files = fg.sync(['test/**/*.{ts,py}', 'framework/**/*.test.ts', 'bench/**/*.ts'], { cwd: REPO, absolute: true, ignore: ['test/examples/**', 'test/fixtures/**', 'test/independence.test.ts', 'bench/cold-start.ts', 'bench/spark.ts'] });
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap((f) => referencesToExamples(f, readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('the scan finds each way of reaching them (so an empty result means something)', () => {
    const file = path.join(REPO, 'test/x/y.test.ts');
    const hits = (line: string) => referencesToExamples(file, line).length;
    expect(hits("import job from '../../jobs/events_clean.ts';")).toBe(1);
    expect(hits("const s = readFileSync('sample/users/users.csv', 'utf8');")).toBe(1);
    expect(hits("cpSync(path.join(ROOT, 'sample/events'), dir);")).toBe(1);
    expect(hits("spawnSync(node, [BIN], { cwd: ROOT, env });")).toBe(1);
    expect(hits('spawn(command, args, { cwd: this.root });')).toBe(1);
    expect(hits('const project = findProject(ROOT);')).toBe(1);
    expect(hits('await loadEnvironment(ROOT, "dev");')).toBe(1);
    expect(hits("import job from '../fixtures/project/jobs/events_clean.ts';")).toBe(0);
    expect(hits("cpSync(path.join(PROJECT, 'sample/events'), dir);")).toBe(0);
    expect(hits("edit(dir, 'jobs/events_clean.ts', []);")).toBe(0);
  });
});
