#!/usr/bin/env node
// The `etl` command. The framework is bundled into one module with esbuild on first use (and
// again whenever a framework or deploy source file is newer than the bundle), because loading dozens of
// TypeScript modules through a loader hook costs more than the run itself. Job files, the
// user's TypeScript, are compiled with esbuild as they are loaded (framework/cli/job-loader.ts).
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hideAwsSdkNodeVersionWarning } from './node-version-warning.js';

hideAwsSdkNodeVersionWarning();

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const frameworkDir = path.join(root, 'framework');
const cache = path.join(root, 'node_modules', '.cache', 'lakeform');
// Names the current bundle folder; replaced atomically, so a process never loads half a build.
const pointer = path.join(cache, 'current');

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function currentBundle() {
  try {
    const file = path.join(cache, readFileSync(pointer, 'utf8').trim(), 'cli.mjs');
    return existsSync(file) && existsSync(path.join(path.dirname(file), 'zod.mjs')) ? file : undefined;
  } catch {
    return undefined;
  }
}

// This file's own mtime counts too: it holds the bundle's build options.
const selfMtime = statSync(fileURLToPath(import.meta.url)).mtimeMs;
let bundle = currentBundle();
if (!bundle || statSync(bundle).mtimeMs < Math.max(selfMtime, newestSource(frameworkDir), newestSource(path.join(root, 'deploy')))) {
  const { build } = await import('esbuild');
  const folder = `bundle-${Date.now()}-${process.pid}`;
  const outdir = path.join(cache, folder);
  // Whitespace and syntax minified (names kept, so stack traces stay readable): less to parse at each start.
  const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error', minifyWhitespace: true, minifySyntax: true, nodePaths: [path.join(root, 'node_modules')] };
  // zod in one module of its own, shared by the CLI and the job files (framework/cli/job-loader.ts
  // points their 'zod' here): one copy, and one file to load instead of a hundred.
  await build({ ...common, stdin: { contents: "export * from 'zod'; export { default } from 'zod';", resolveDir: root, loader: 'js' }, outfile: path.join(outdir, 'zod.mjs') });
  await build({
    ...common,
    entryPoints: [path.join(frameworkDir, 'cli', 'entry.ts')],
    // Dependencies are bundled too: resolving and compiling apache-arrow's and yargs' hundreds
    // of small modules cost more than the run itself on the sample. Kept external: parquet-wasm
    // (it loads its .wasm next to itself), esbuild (a native binary), zod (above) and the AWS SDK
    // (only the AWS commands load it).
    external: ['parquet-wasm', 'parquet-wasm/*', 'esbuild', '@aws-sdk/*', 'aws-sdk-client-mock'],
    plugins: [{ name: 'shared-zod', setup: (b) => b.onResolve({ filter: /^zod$/ }, () => ({ path: './zod.mjs', external: true })) }],
    // Modules imported dynamically (yargs, the AWS commands, synthetic samples) go into chunks of
    // their own, parsed only when imported.
    splitting: true,
    outdir,
    entryNames: 'cli',
    // Flat, beside cli.mjs and zod.mjs: chunks import './zod.mjs' too.
    chunkNames: 'cli-chunk-[name]-[hash]',
    outExtension: { '.js': '.mjs' },
  });
  const tmp = `${pointer}.${process.pid}`;
  writeFileSync(tmp, folder);
  renameSync(tmp, pointer);
  bundle = path.join(cache, folder, 'cli.mjs');
  // Older builds go once no process can still be starting from them.
  for (const e of readdirSync(cache)) {
    const full = path.join(cache, e);
    if (e.startsWith('bundle-') && e !== folder && Date.now() - statSync(full).mtimeMs > 60_000) rmSync(full, { recursive: true, force: true });
  }
}

// Stack traces and the DSL's call-site locations point into the user's job files.
process.setSourceMapsEnabled(true);
const bundleUrl = pathToFileURL(bundle).href;
const { main, setModuleLoader, esbuildJobLoader } = await import(bundleUrl);
setModuleLoader(esbuildJobLoader(path.dirname(bundle), bundleUrl, () => process.cwd(), pathToFileURL(path.join(path.dirname(bundle), 'zod.mjs')).href));
await main();
