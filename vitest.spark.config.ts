import { defineConfig } from 'vitest/config';

/** The Spark suite (npm run test:spark): the compiled plans on real local Spark. Needs scripts/setup-spark.sh. */
export default defineConfig({
  test: {
    include: ['test/spark/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    setupFiles: ['test/support/setup.ts'],
  },
});
