/** The generic Spark driver shipped with every plan (deploy/spark/driver.py). */
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Found from the framework's package root, so it resolves from the sources and from the CLI bundle alike. */
export const DRIVER_PATH = path.join(packageRoot(path.dirname(fileURLToPath(import.meta.url))), 'deploy', 'spark', 'driver.py');

/** The folder of the lakeform package this code runs from (a source checkout or an installed package). */
export function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'lakeform') return dir;
    if (path.dirname(dir) === dir) return from;
  }
}

/** The driver's source, or undefined while the framework ships none. */
export async function driverSource(): Promise<string | undefined> {
  try {
    return await fs.readFile(DRIVER_PATH, 'utf8');
  } catch {
    return undefined;
  }
}

let hashed: string | undefined;

/**
 * The first 16 hex digits of the driver's SHA-256: it names the driver's stable location for
 * targets whose job definition points at one script (a Glue job's ScriptLocation).
 */
export function driverHash(): string {
  hashed ??= createHash('sha256').update(existsSync(DRIVER_PATH) ? readFileSync(DRIVER_PATH) : Buffer.alloc(0)).digest('hex').slice(0, 16);
  return hashed;
}
