/**
 * JSONTestSuite through both JSON-lines readers (the local one and the Spark driver's), each
 * document as a record and as a field's value (see json-suite.ts); outcomes pinned in
 * docs/conformance.json.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runJsonSuite } from './json-suite.ts';
import { conformanceDir, PROJECT_ROOT } from './locate.ts';
import { jsonSummary, pinned } from './outcomes.ts';

describe('JSONTestSuite', () => {
  it('y_ read with the values JSON.parse gives, n_ bad records with readable reasons, both engines alike', async () => {
    const cases = await runJsonSuite(path.join(conformanceDir(), 'JSONTestSuite', 'test_parsing'));
    expect(cases.length).toBeGreaterThan(600);
    const problems = cases.filter((c) => c.problems.length).map((c) => `${c.file} ${c.mode}: ${c.problems.join('; ')}`);
    expect(problems).toEqual([]);
    expect(cases.filter((c) => c.expect === 'y' && c.mode === 'wrapped' && c.local.rows.length === 1).length).toBe(93); // 95 y_ documents, 2 with a line break cannot be wrapped
    expect(cases.filter((c) => c.expect === 'n' && c.local.bad.length > 0).length).toBe(370); // 188 n_ documents each way, less 3 blank ones as records and 3 with a line break wrapped
    const committed = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'docs/conformance.json'), 'utf8')) as Record<string, string>;
    const now = pinned({ parquet: [], json: cases.map(jsonSummary) });
    for (const [k, v] of Object.entries(now)) expect(`${k}: ${v}`).toBe(`${k}: ${committed[k]}`);
  }, 120_000);
});
