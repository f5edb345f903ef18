#!/usr/bin/env node
// The `etl` command. The framework is bundled into one module with esbuild on first use (and
// again whenever a framework source file is newer than the bundle), because loading dozens of
// TypeScript modules through a loader hook costs more than the run itself. Job files, the
// user's TypeScript, are compiled with esbuild as they are loaded (framework/cli/job-loader.ts).
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const frameworkDir = path.join(root, 'framework');
const bundle = path.join(root, 'node_modules', '.cache', 'lakeform', 'cli.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

// This file's own mtime counts too: it holds the bundle's build options.
const selfMtime = statSync(fileURLToPath(import.meta.url)).mtimeMs;
const zodBundle = path.join(path.dirname(bundle), 'zod.mjs');
if (!existsSync(bundle) || !existsSync(zodBundle) || statSync(bundle).mtimeMs < Math.max(selfMtime, newestSource(frameworkDir))) {
  const { build } = await import('esbuild');
  mkdirSync(path.dirname(bundle), { recursive: true });
  // Whitespace and syntax minified (names kept, so stack traces stay readable): less to parse at each start.
  const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error', minifyWhitespace: true, minifySyntax: true, nodePaths: [path.join(root, 'node_modules')] };
  // zod in one module of its own, shared by the CLI and the job files (framework/cli/job-loader.ts
  // points their 'zod' here): one copy, and one file to load instead of a hundred.
  await build({ ...common, stdin: { contents: "export * from 'zod'; export { default } from 'zod';", resolveDir: root, loader: 'js' }, outfile: zodBundle });
  await build({
    ...common,
    entryPoints: [path.join(frameworkDir, 'cli', 'entry.ts')],
    // Dependencies are bundled too: resolving and compiling apache-arrow's and yargs' hundreds
    // of small modules cost more than the run itself on the sample. Kept external: parquet-wasm
    // (it loads its .wasm next to itself), esbuild (a native binary) and zod (above).
    external: ['parquet-wasm', 'parquet-wasm/*', 'esbuild'],
    plugins: [{ name: 'shared-zod', setup: (b) => b.onResolve({ filter: /^zod$/ }, () => ({ path: './zod.mjs', external: true })) }],
    // Modules imported dynamically (yargs, which `etl run` and `etl plan` usually skip) go into
    // chunks of their own, parsed only when imported.
    splitting: true,
    outdir: path.dirname(bundle),
    entryNames: 'cli',
    chunkNames: 'cli-chunk-[hash]',
    outExtension: { '.js': '.mjs' },
  });
}

// Stack traces and the DSL's call-site locations point into the user's job files.
process.setSourceMapsEnabled(true);
const bundleUrl = pathToFileURL(bundle).href;
const { main, setModuleLoader, esbuildJobLoader } = await import(bundleUrl);
setModuleLoader(esbuildJobLoader(path.dirname(bundle), bundleUrl, () => process.cwd(), pathToFileURL(zodBundle).href));
await main();
