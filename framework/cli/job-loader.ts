/**
 * Loads a user's job file by compiling it (and the schemas it imports) with esbuild into one
 * ES module in `cacheDir` (framework/cli/bin.js: beside the source checkout's CLI bundle, or in
 * the project's node_modules/.cache), with 'lakeform' pointing at the running CLI's own module,
 * so jobs and the CLI share one copy of every class. Inline source maps keep error locations
 * in the user's file (jobs/events_clean.ts:21:8).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { JobLoadError } from '../errors/index.ts';

/** Part of the compiled jobs' file names: a change to how jobs are compiled invalidates them. */
const COMPILE_VERSION = 2;

/** `zodUrl`: the module job files get for 'zod', the CLI's own copy (otherwise node_modules' zod). */
export function esbuildJobLoader(cacheDir: string, selfUrl: string, projectRoot: () => string, zodUrl?: string) {
  return async (file: string): Promise<Record<string, unknown>> => {
    const rel = path.relative(projectRoot(), file);
    // Keyed by the absolute path too: projects that share one node_modules (a monorepo, a
    // hoisted install) have jobs with the same relative names. And by the CLI's module, which
    // the compiled job imports: two installed versions may share one project's cache.
    const key = createHash('sha256').update(path.resolve(file)).update('\0').update(selfUrl).digest('hex').slice(0, 10);
    const outfile = path.join(cacheDir, 'jobs', `${rel.replace(/[^A-Za-z0-9_.-]/g, '_')}-${key}.v${COMPILE_VERSION}.mjs`);
    mkdirSync(path.dirname(outfile), { recursive: true });
    const inputsFile = `${outfile}.inputs.json`;
    if (isFresh(outfile, inputsFile)) return (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
    try {
      const { build } = await import('esbuild');
      const result = await build({
        entryPoints: [file],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        sourcemap: 'inline',
        outfile,
        metafile: true,
        logLevel: 'silent',
        plugins: [
          {
            name: 'lakeform-self',
            setup(b) {
              b.onResolve({ filter: /^lakeform$/ }, () => ({ path: selfUrl, external: true }));
              if (zodUrl) b.onResolve({ filter: /^zod$/ }, () => ({ path: zodUrl, external: true }));
            },
          },
        ],
      });
      const inputs = Object.keys(result.metafile.inputs).map((f) => path.resolve(f));
      writeFileSync(inputsFile, JSON.stringify(inputs.map((f) => [f, statSync(f).mtimeMs])));
    } catch (e) {
      const errors = (e as { errors?: { text: string; location?: { file: string; line: number; column: number } }[] }).errors ?? [];
      const first = errors[0];
      const where = first?.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
      throw new JobLoadError(rel, `does not compile: ${where}${first?.text ?? (e as Error).message}`, 'fix the syntax error (npm run typecheck shows all type errors)');
    }
    // A fresh URL each time: a job rebuilt in the same process must not come from the module cache.
    return (await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`)) as Record<string, unknown>;
  };
}

/** A compiled job is reused while none of the files it was built from has changed. */
function isFresh(outfile: string, inputsFile: string): boolean {
  if (!existsSync(outfile) || !existsSync(inputsFile)) return false;
  try {
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8')) as [string, number][];
    return inputs.every(([f, mtime]) => existsSync(f) && statSync(f).mtimeMs === mtime);
  } catch {
    return false;
  }
}
