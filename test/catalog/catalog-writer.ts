/** A separate process that registers partitions one at a time: `catalog-writer.ts <root> <worker> <count>`. */
import { LocalMetastore } from '../../framework/catalog/local.ts';
import { tableDef } from './contract.ts';

const [root, worker, count] = process.argv.slice(2);
const metastore = new LocalMetastore(root);
for (let i = 0; i < Number(count); i++) {
  await metastore.upsertPartitions('analytics', 'events', [{ values: [`w${worker}-${i}`], location: `s3://lake/w${worker}/${i}/`, columns: tableDef().columns }]);
}
