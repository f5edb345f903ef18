import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'framework/**/*.test.ts', 'jobs/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
