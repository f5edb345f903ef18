/**
 * vitest global setup: the conformance suite compares lakeform's Parquet reader with pyarrow,
 * which lives in .venv/ (scripts/setup-spark.sh, the same environment the Spark suite uses).
 * `npm test` in a fresh clone installs it once, as the AWS tests start moto_server themselves;
 * the script is idempotent and returns at once when .venv is up to date.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export default function ensurePythonReaders(): void {
  // The script's own stamp: the hash of the requirements .venv was installed from.
  const stamp = path.join(ROOT, '.venv', '.requirements.sha256');
  const want = createHash('sha256').update(readFileSync(path.join(ROOT, 'deploy', 'spark', 'requirements.txt'))).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) return;
  process.stdout.write('npm test: installing the Python reference readers (pyarrow, with PySpark) into .venv/, once: scripts/setup-spark.sh\n');
  // The script works from its own folder (the repository), wherever it is started.
  const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'setup-spark.sh')], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`scripts/setup-spark.sh failed (the conformance tests need pyarrow in .venv):\n${r.stdout}${r.stderr}`);
  }
}
