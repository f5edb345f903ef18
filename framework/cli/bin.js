#!/usr/bin/env node
// The `etl` command. The framework is bundled into one module with esbuild on first use (and
// again whenever a framework or deploy source file is newer than the bundle), because loading dozens of
// TypeScript modules through a loader hook costs more than the run itself. Job files, the
// user's TypeScript, are compiled with esbuild as they are loaded (framework/cli/job-loader.ts).
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

let bundle = currentBundle();
if (!bundle || statSync(bundle).mtimeMs < Math.max(newestSource(frameworkDir), newestSource(path.join(root, 'deploy')))) {
  const { buildSync } = await import('esbuild');
  const folder = `bundle-${Date.now()}-${process.pid}`;
  buildSync({
    entryPoints: { cli: path.join(frameworkDir, 'cli', 'entry.ts') },
    bundle: true,
    // Code behind a dynamic import (the AWS commands, synthetic samples) goes into chunks that
    // load only when used, so `etl run` does not pay for the AWS SDK.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // Resolve dependencies from the project, whatever folder the bundle lives in.
    nodePaths: [path.join(root, 'node_modules')],
    outdir: path.join(cache, folder),
    logLevel: 'error',
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
setModuleLoader(esbuildJobLoader(path.dirname(bundle), bundleUrl, () => process.cwd()));
await main();
