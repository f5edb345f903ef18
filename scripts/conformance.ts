/**
 * npm run conformance: runs the public conformance suites (../shared/conformance, or
 * ETL_CONFORMANCE_DIR) through lakeform's readers and writes docs/conformance.md (the table)
 * and docs/conformance.json (the outcomes the tests compare with).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { conformanceDir, PROJECT_ROOT } from '../test/conformance/locate.ts';
import { pinned, renderMarkdown, runAll } from '../test/conformance/outcomes.ts';
import { pyarrowAvailable } from '../test/conformance/parquet-suite.ts';

const missing = pyarrowAvailable();
if (missing) {
  console.error(missing);
  process.exit(1);
}
const started = Date.now();
const outcomes = await runAll(conformanceDir());
writeFileSync(path.join(PROJECT_ROOT, 'docs/conformance.md'), renderMarkdown(outcomes));
writeFileSync(path.join(PROJECT_ROOT, 'docs/conformance.json'), `${JSON.stringify(pinned(outcomes), null, 1)}\n`);
const bad = outcomes.parquet.filter((o) => o.kind === 'crash' || o.kind === 'wrong').length + outcomes.json.filter((j) => j.problems.length).length;
console.log(`docs/conformance.md: ${outcomes.parquet.length} Parquet files, ${outcomes.json.length} JSON cases, ${bad} crash/wrong/problem, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(bad ? 1 : 0);
