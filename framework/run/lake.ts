/**
 * Where a local run reads and writes: the project's sample lake (inputs from their `sample`
 * locations, tables in ./warehouse, catalog in ./.etl), or a local environment, which stands in
 * for S3: inputs come from their real `path` templates, and `s3://<bucket>/<key>` is the folder
 * `<root>/<bucket>/<key>` unless a mount serves that prefix from elsewhere (config/config.ts).
 */
import path from 'node:path';
import { localPathOf, type Environment } from '../config/config.ts';
import type { Project } from './project.ts';

export interface Lake {
  /** 'sample', or the local environment's name. */
  readonly name: string;
  /** The local environment, for lakes that stand in for one. */
  readonly env?: Environment;
  /** Tables live in <warehouse>/<database>/<table>/. */
  readonly warehouse: string;
  /** The catalog, locks and run state. */
  readonly stateDir: string;
}

export function sampleLake(project: Project, warehouse?: string): Lake {
  return { name: 'sample', warehouse: path.resolve(warehouse ?? project.defaultWarehouse), stateDir: project.stateDir };
}

export function environmentLake(env: Environment, warehouse?: string): Lake {
  const tables = localPathOf(env, `s3://${env.bucket}/${env.warehousePrefix.replace(/^\/+|\/+$/g, '')}/`);
  return { name: env.name, env, warehouse: path.resolve(warehouse ?? tables), stateDir: path.join(env.root!, '.etl') };
}
