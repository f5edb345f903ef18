#!/usr/bin/env node
// The `etl` command. The framework is bundled into one module with esbuild on first use (and
// again whenever a framework or deploy source file is newer than the bundle), because loading dozens of
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

if (!existsSync(bundle) || statSync(bundle).mtimeMs < Math.max(newestSource(frameworkDir), newestSource(path.join(root, 'deploy')))) {
  const { buildSync } = await import('esbuild');
  mkdirSync(path.dirname(bundle), { recursive: true });
  buildSync({
    entryPoints: [path.join(frameworkDir, 'cli', 'entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // Resolve dependencies from the project, whatever folder the bundle lives in.
    nodePaths: [path.join(root, 'node_modules')],
    outfile: bundle,
    logLevel: 'error',
  });
}

// Stack traces and the DSL's call-site locations point into the user's job files.
process.setSourceMapsEnabled(true);
const bundleUrl = pathToFileURL(bundle).href;
const { main, setModuleLoader, esbuildJobLoader } = await import(bundleUrl);
setModuleLoader(esbuildJobLoader(path.dirname(bundle), bundleUrl, () => process.cwd()));
await main();
