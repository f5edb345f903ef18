/** Several processes updating one local catalog at once: every update lands, the file stays whole. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LocalMetastore } from '../../framework/catalog/local.ts';
import { tableDef } from './contract.ts';

const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'catalog-writer.ts');

function writer(root: string, worker: number, count: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, root, String(worker), String(count)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('LocalMetastore under concurrent processes', () => {
  it('loses no update when ten processes register partitions at once', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'etl-concurrent-'));
    const metastore = new LocalMetastore(root);
    await metastore.putTable(tableDef());
    const workers = 10;
    const each = 15;
    const results = await Promise.all(Array.from({ length: workers }, (_, w) => writer(root, w, each)));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const partitions = await metastore.getPartitions('analytics', 'events');
    expect(partitions).toHaveLength(workers * each);
    expect(new Set(partitions.map((p) => p.values[0])).size).toBe(workers * each);
    // The document is whole JSON, and the table's own entry survived every partition update.
    expect(() => JSON.parse(readFileSync(path.join(root, 'analytics', 'events.json'), 'utf8'))).not.toThrow();
    expect((await metastore.getSchemaVersions('analytics', 'events')).map((v) => v.version)).toEqual([1]);
  }, 60_000);
});
