/**
 * What the `etl` binary loads: the CLI and, from the same module instance, the public API
 * that job files import as 'lakeform' (so jobs and the CLI share one copy of every class).
 */
export * from '../index.ts';
export { main } from './main.ts';
export { setModuleLoader } from '../run/module-loader.ts';
export { esbuildJobLoader } from './job-loader.ts';
