/** The generic Spark driver shipped with every plan (deploy/spark/driver.py). */
import { promises as fs } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DRIVER_PATH = fileURLToPath(new URL('../../deploy/spark/driver.py', import.meta.url));

export async function driverSource(): Promise<string> {
  return fs.readFile(DRIVER_PATH, 'utf8');
}
