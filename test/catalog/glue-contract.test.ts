import { afterAll, beforeAll } from 'vitest';
import { GlueClient } from '@aws-sdk/client-glue';
import { GlueMetastore } from '../../deploy/glue/metastore.ts';
import { startMoto, MOTO_CREDENTIALS, type Moto } from '../support/moto.ts';
import { metastoreContract } from './contract.ts';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(() => moto?.stop());

metastoreContract('GlueMetastore on moto_server', {
  create: async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    const glue = new GlueClient({
      region: MOTO_CREDENTIALS.AWS_REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: MOTO_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
    });
    return new GlueMetastore(glue);
  },
  enforcesVersionId: false,
  supportsPrune: false,
});
