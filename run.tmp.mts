import fs from 'node:fs';
import { runParquetCase } from '/work/wt-readers/test/conformance/parquet-suite.ts';
const dir = '/work/shared/conformance/parquet-testing/';
for (const sub of ['data', 'bad_data']) for (const f of fs.readdirSync(dir + sub).filter((f) => f.endsWith('.parquet')).sort()) {
  const o = await runParquetCase(dir + sub + '/' + f);
  console.log(o.kind.padEnd(9), o.reference.padEnd(7), o.file, o.rows ?? '', (o.detail ?? '').slice(0, 230));
}
process.exit(0);
