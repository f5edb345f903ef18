/**
 * Where the public conformance suites are: `ETL_CONFORMANCE_DIR`, else `../shared/conformance/`
 * beside the project (as laid out for developers and CI: a clone next to `shared/`), else
 * `/work/shared/conformance`. Absent suites are an error, never a skip: a suite that silently
 * does not run proves nothing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function conformanceDir(): string {
  const candidates = [process.env.ETL_CONFORMANCE_DIR, path.resolve(PROJECT_ROOT, '../shared/conformance'), '/work/shared/conformance'].filter((c): c is string => !!c);
  const found = candidates.find((c) => existsSync(path.join(c, 'parquet-testing')) && existsSync(path.join(c, 'JSONTestSuite')));
  if (!found) {
    throw new Error(
      `the conformance suites are missing: looked in ${candidates.join(', ')}. ` +
        'Put a copy of shared/conformance (parquet-testing, JSONTestSuite) beside the project, or set ETL_CONFORMANCE_DIR.',
    );
  }
  return found;
}
