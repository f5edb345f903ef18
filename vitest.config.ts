import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/** The test projects' job files (test/fixtures/*) import 'lakeform': this repository, as a user's project gets it from npm. */
const lakeform = [
  { find: /^lakeform$/, replacement: fileURLToPath(new URL('./framework/index.ts', import.meta.url)) },
  { find: /^lakeform\/testing$/, replacement: fileURLToPath(new URL('./framework/testing/index.ts', import.meta.url)) },
];

export default defineConfig({
  resolve: { alias: lakeform },
  test: {
    // The framework's tests, and the tests of the jobs in jobs/. The examples' own checks run apart
    // (npm run test:examples): the framework's tests use their own project, test/fixtures/project.
    include: ['test/**/*.test.ts', 'framework/**/*.test.ts', 'jobs/**/*.test.ts'],
    // The Spark suite needs a local Spark (scripts/setup-spark.sh): npm run test:spark.
    exclude: [...configDefaults.exclude, 'test/spark/**', 'test/examples/**'],
    testTimeout: 30_000,
    pool: 'forks',
    setupFiles: ['test/support/setup.ts'],
    // pyarrow for the conformance suite's reference reader, installed into .venv once.
    globalSetup: ['test/support/python-readers.ts'],
  },
});
