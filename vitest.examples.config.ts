import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/** The example project's own checks (npm run test:examples): its jobs compile, its sample fits its schemas. */
export default defineConfig({ ...base, test: { ...base.test, include: ['test/examples/**/*.test.ts'], exclude: [...configDefaults.exclude] } });
