import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'framework/**/*.test.ts', 'jobs/**/*.test.ts'],
    // The Spark suite needs a local Spark (scripts/setup-spark.sh): npm run test:spark.
    exclude: [...configDefaults.exclude, 'test/spark/**'],
    testTimeout: 30_000,
    pool: 'forks',
    setupFiles: ['test/support/setup.ts'],
  },
});
