/**
 * `npm run build` (and `npm pack`, through prepack): what the published package ships in dist/.
 * The bundled CLI and the two public entry points, 'lakeform' and 'lakeform/testing', built
 * together so that they share one copy of every class (framework/cli/bundle.js), and the type
 * declarations of the two entry points (tsconfig.build.json). An installed package then needs
 * no build step and never writes into its own folder (framework/cli/bin.js).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleFramework } from '../framework/cli/bundle.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
await bundleFramework({
  root,
  entryPoints: {
    cli: path.join(root, 'framework', 'cli', 'entry.ts'),
    index: path.join(root, 'framework', 'index.ts'),
    testing: path.join(root, 'framework', 'testing', 'index.ts'),
  },
  outdir: dist,
});
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
// tsc has printed its errors.
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
