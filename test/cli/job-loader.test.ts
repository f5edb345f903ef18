import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { esbuildJobLoader } from '../../framework/cli/job-loader.ts';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

it("compiles a job again for another CLI module: two installed versions may share one project's cache", async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'job-loader-'));
  const cache = path.join(dir, 'cache');
  const job = path.join(dir, 'job.ts');
  writeFileSync(job, "import { version } from 'lakeform';\nexport default version;\n");
  const cli = (version: string) => {
    const file = path.join(dir!, `cli-${version}.mjs`);
    writeFileSync(file, `export const version = '${version}';\n`);
    return pathToFileURL(file).href;
  };
  const load = (selfUrl: string) => esbuildJobLoader(cache, selfUrl, () => dir!)(job);
  expect((await load(cli('1.0.0'))).default).toBe('1.0.0');
  expect((await load(cli('1.1.0'))).default).toBe('1.1.0');
});
