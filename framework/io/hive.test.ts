import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { T } from '../schema/types.ts';
import { escapePartitionValue, parsePartitionPath, partitionPath, renderPartitionValue, unescapePartitionValue } from './hive.ts';
import { listInputFiles } from './files.ts';

describe('Hive partition paths', () => {
  it('escapes as Hive does', () => {
    expect(escapePartitionValue('2026-11-01')).toBe('2026-11-01');
    expect(escapePartitionValue('a/b')).toBe('a%2Fb');
    expect(escapePartitionValue('k=v')).toBe('k%3Dv');
    expect(escapePartitionValue('100%')).toBe('100%25');
    expect(escapePartitionValue('../x')).toBe('..%2Fx');
    expect(escapePartitionValue('line\nbreak')).toBe('line%0Abreak');
    expect(escapePartitionValue('a:b?c#d')).toBe('a%3Ab%3Fc%23d');
    expect(escapePartitionValue('{[^]}')).toBe('%7B%5B%5E%5D}');
    expect(escapePartitionValue('space é <>|')).toBe('space é <>|');
    expect(escapePartitionValue('')).toBe('__HIVE_DEFAULT_PARTITION__');
    expect(escapePartitionValue(null)).toBe('__HIVE_DEFAULT_PARTITION__');
  });

  it('round-trips values and paths', () => {
    for (const v of ['a/b', 'k=v', '100%', '../x', 'é', 'x\ty']) expect(unescapePartitionValue(escapePartitionValue(v))).toBe(v);
    expect(unescapePartitionValue('__HIVE_DEFAULT_PARTITION__')).toBeNull();
    const p = partitionPath([{ name: 'dt', value: '2026-11-01' }, { name: 'country', value: 'a/b' }]);
    expect(p).toBe('dt=2026-11-01/country=a%2Fb');
    expect(parsePartitionPath(p)).toEqual([{ name: 'dt', value: '2026-11-01' }, { name: 'country', value: 'a/b' }]);
  });

  it('escapes every character Hive escapes, and nothing else in ASCII', () => {
    const escaped = new Set(['"', '#', '%', "'", '*', '/', ':', '=', '?', '\\', '\x7f', '{', '[', ']', '^']);
    for (let c = 1; c < 128; c++) {
      const ch = String.fromCharCode(c);
      const want = c < 0x20 || escaped.has(ch) ? `%${c.toString(16).toUpperCase().padStart(2, '0')}` : ch;
      expect(escapePartitionValue(ch)).toBe(want);
    }
  });

  it('renders typed values as Spark names partition folders', () => {
    expect(renderPartitionValue(T.date, Date.UTC(2026, 10, 1) / 86_400_000)).toBe('2026-11-01');
    const ts = BigInt(Date.UTC(2026, 10, 1, 10)) * 1000n;
    expect(partitionPath([{ name: 'ts', value: renderPartitionValue(T.timestamp, ts) }])).toBe('ts=2026-11-01 10%3A00%3A00');
    expect(renderPartitionValue(T.timestamp, ts + 120_000n)).toBe('2026-11-01 10:00:00.12');
    expect(renderPartitionValue(T.int64, 9007199254740993n)).toBe('9007199254740993');
    expect(renderPartitionValue(T.boolean, 1)).toBe('true');
    expect(renderPartitionValue(T.decimal(5, 2), -5n)).toBe('-0.05');
    expect(renderPartitionValue(T.string, null)).toBeNull();
  });
});

describe('input listing', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'etl-files-'));
  const put = (rel: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), 'x');
  };
  put('fh/2026/11/01/10/events-2.gz');
  put('fh/2026/11/01/09/events-1.gz');
  put('fh/2026/11/01/09/_SUCCESS');
  put('fh/.hidden/x.gz');
  put('pq/dt=2026-11-01/country=a%2Fb/part-0.parquet');
  put('pq/dt=__HIVE_DEFAULT_PARTITION__/country=US/part-0.parquet');
  put('pq/_temporary/part-9.parquet');
  put('empty/_SUCCESS');

  it('lists a Firehose tree recursively in order, skipping hidden and _ files', async () => {
    const l = await listInputFiles(path.join(root, 'fh'), 'jsonl');
    expect(l.files.map((f) => path.relative(root, f.path))).toEqual(['fh/2026/11/01/09/events-1.gz', 'fh/2026/11/01/10/events-2.gz']);
    expect(l.partitionColumns).toEqual([]);
  });

  it('decodes Hive partition folders of Parquet', async () => {
    const l = await listInputFiles(path.join(root, 'pq'), 'parquet');
    expect(l.partitionColumns).toEqual(['dt', 'country']);
    expect(l.files.map((f) => f.partition)).toEqual([
      { dt: '2026-11-01', country: 'a/b' },
      { dt: null, country: 'US' },
    ]);
  });

  it('a single file, and a folder without data files is an error with a hint', async () => {
    expect((await listInputFiles(path.join(root, 'fh/2026/11/01/09/events-1.gz'), 'jsonl')).files).toHaveLength(1);
    // The hint is its own field, so the CLI prints it once, on its own line.
    await expect(listInputFiles(path.join(root, 'empty'), 'jsonl')).rejects.toMatchObject({ message: expect.stringMatching(/contains no JSON lines files$/), hint: expect.stringMatching(/^point the input/) });
    await expect(listInputFiles(path.join(root, 'nope'), 'csv')).rejects.toThrow(/does not exist/);
  });
});
