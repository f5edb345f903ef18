/** The Glue catalog of an environment in etl.config.ts, as a Metastore. */
import type { Environment } from '../../framework/config/config.ts';
import { awsClients } from '../aws/clients.ts';
import { GlueMetastore } from './metastore.ts';

export function glueMetastoreFor(env: Environment): GlueMetastore {
  return new GlueMetastore(awsClients(env).glue);
}
