import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalMetastore } from '../../framework/catalog/local.ts';
import { metastoreContract } from './contract.ts';

metastoreContract('LocalMetastore', {
  create: async () => new LocalMetastore(mkdtempSync(path.join(tmpdir(), 'etl-contract-'))),
  enforcesVersionId: true,
  supportsPrune: true,
});
