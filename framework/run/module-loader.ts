/**
 * How job files are imported. By default a plain dynamic import (under vitest, or any
 * TypeScript-aware runtime); the `etl` binary installs a loader that compiles job files with
 * esbuild (framework/cli/job-loader.ts).
 */
import { pathToFileURL } from 'node:url';

export type ModuleLoader = (file: string) => Promise<Record<string, unknown>>;

let loader: ModuleLoader = (file) => import(pathToFileURL(file).href) as Promise<Record<string, unknown>>;

export function setModuleLoader(l: ModuleLoader): void {
  loader = l;
}

export function importModule(file: string): Promise<Record<string, unknown>> {
  return loader(file);
}
