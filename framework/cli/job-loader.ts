/**
 * Loads a user's job file by compiling it (and the schemas it imports) with esbuild into one
 * ES module next to the CLI bundle, with 'lakeform' pointing at the running CLI's own module,
 * so jobs and the CLI share one copy of every class. Inline source maps keep error locations
 * in the user's file (jobs/events_clean.ts:21:8).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { JobLoadError } from '../errors/index.ts';

export function esbuildJobLoader(cacheDir: string, selfUrl: string, projectRoot: () => string) {
  return async (file: string): Promise<Record<string, unknown>> => {
    const { build } = await import('esbuild');
    const rel = path.relative(projectRoot(), file);
    const outfile = path.join(cacheDir, 'jobs', `${rel.replace(/[^A-Za-z0-9_.-]/g, '_')}.mjs`);
    mkdirSync(path.dirname(outfile), { recursive: true });
    try {
      await build({
        entryPoints: [file],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        sourcemap: 'inline',
        outfile,
        logLevel: 'silent',
        plugins: [
          {
            name: 'lakeform-self',
            setup(b) {
              b.onResolve({ filter: /^lakeform$/ }, () => ({ path: selfUrl, external: true }));
            },
          },
        ],
      });
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
