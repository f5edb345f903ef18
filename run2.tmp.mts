import { runJsonSuite } from './test/conformance/json-suite.ts';
const cases = await runJsonSuite('/work/shared/conformance/JSONTestSuite/test_parsing');
const bad = cases.filter((c) => c.problems.length);
console.log(cases.length, 'cases', bad.length, 'with problems');
for (const c of bad) console.log(c.file, c.mode, c.problems.join(' | ').slice(0, 300));
