#!/usr/bin/env node
// The `etl` command. It loads the framework as one bundled module, because loading dozens of
// TypeScript modules through a loader hook costs more than the run itself. An installed package
// ships that bundle (dist/, built by `npm pack`: scripts/build-package.ts) and never writes into
// its own folder; a source checkout bundles with esbuild on first use, into node_modules/.cache
// (and again whenever a framework or deploy source file is newer than the bundle). Job files,
// the user's TypeScript, are compiled with esbuild as they are loaded (framework/cli/job-loader.ts).
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hideAwsSdkNodeVersionWarning } from './node-version-warning.js';

hideAwsSdkNodeVersionWarning();

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const frameworkDir = path.join(root, 'framework');
const isSourceCheckout = existsSync(path.join(frameworkDir, 'cli', 'entry.ts'));

const { bundle, jobsCacheDir } = isSourceCheckout ? await sourceBundle() : installedBundle();

/** The bundle the package ships; compiled jobs go into the user's project. */
function installedBundle() {
  const bundle = path.join(root, 'dist', 'cli.mjs');
  if (!existsSync(bundle)) {
    // Before the typed errors of the framework can load: the same shape, by hand.
    process.stderr.write(`error: this installation of lakeform (${root}) has no dist/cli.mjs, the prebuilt CLI\n  hint: reinstall lakeform from a tarball made by \`npm pack\` (which runs \`npm run build\`)\n`);
    process.exit(2);
  }
  return { bundle, jobsCacheDir: projectCacheDir() };
}

/** The bundle of the source checkout, rebuilt when a source is newer; compiled jobs go beside it. */
async function sourceBundle() {
  const cache = path.join(root, 'node_modules', '.cache', 'lakeform');
  // Names the current bundle folder; replaced atomically, so a process never loads half a build.
  const pointer = path.join(cache, 'current');
  // This file and bundle.js count too: they hold the bundle's build options.
  const builders = ['bin.js', 'bundle.js'].map((f) => statSync(path.join(frameworkDir, 'cli', f)).mtimeMs);
  const current = currentBundle(cache, pointer);
  if (current && statSync(current).mtimeMs >= Math.max(...builders, newestSource(frameworkDir), newestSource(path.join(root, 'deploy')))) {
    return { bundle: current, jobsCacheDir: path.dirname(current) };
  }
  const { bundleFramework } = await import('./bundle.js');
  const folder = `bundle-${Date.now()}-${process.pid}`;
  await bundleFramework({ root, entryPoints: { cli: path.join(frameworkDir, 'cli', 'entry.ts') }, outdir: path.join(cache, folder) });
  const tmp = `${pointer}.${process.pid}`;
  writeFileSync(tmp, folder);
  renameSync(tmp, pointer);
  // Older builds go once no process can still be starting from them.
  for (const e of readdirSync(cache)) {
    const full = path.join(cache, e);
    if (e.startsWith('bundle-') && e !== folder && Date.now() - statSync(full).mtimeMs > 60_000) rmSync(full, { recursive: true, force: true });
  }
  return { bundle: path.join(cache, folder, 'cli.mjs'), jobsCacheDir: path.join(cache, folder) };
}

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function currentBundle(cache, pointer) {
  try {
    const file = path.join(cache, readFileSync(pointer, 'utf8').trim(), 'cli.mjs');
    return existsSync(file) && existsSync(path.join(path.dirname(file), 'zod.mjs')) ? file : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where an installed package keeps the user's compiled jobs: the project's node_modules/.cache
 * (the folder tools such as Babel and ESLint use), so a job's own imports resolve from the
 * project's node_modules; a temporary folder when the project has none.
 */
function projectCacheDir() {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules'))) return path.join(dir, 'node_modules', '.cache', 'lakeform');
    if (path.dirname(dir) === dir) return path.join(tmpdir(), `lakeform-${userInfo().username}`);
  }
}

// Stack traces and the DSL's call-site locations point into the user's job files.
process.setSourceMapsEnabled(true);
const bundleUrl = pathToFileURL(bundle).href;
const { main, setModuleLoader, esbuildJobLoader } = await import(bundleUrl);
setModuleLoader(esbuildJobLoader(jobsCacheDir, bundleUrl, () => process.cwd(), pathToFileURL(path.join(path.dirname(bundle), 'zod.mjs')).href));
await main();
