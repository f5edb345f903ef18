/**
 * The committed sample data fits the example schemas: every line of the Firehose files is a
 * RawEvent except the deliberately malformed ones (and blank lines), and users.csv is Users.
 * Checked with zod itself, independently of the framework's readers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import fg from 'fast-glob';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { RawEvent } from '../../schemas/events.ts';
import { Users } from '../../schemas/users.ts';

const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sample');

/** JSON.parse would round user_id beyond 2^53: read it as a bigint from the text. */
function parseEvent(line: string): unknown {
  const exact = /"user_id":(-?\d+)[,}]/.exec(line);
  const value = JSON.parse(line) as Record<string, unknown>;
  if (exact && typeof value === 'object' && value !== null && !Array.isArray(value)) value.user_id = BigInt(exact[1]);
  return value;
}

describe('sample data', () => {
  const files = fg.sync('events/*/*/*/*/events-*.gz', { cwd: SAMPLE }).sort();
  const lines = files.flatMap((f) =>
    gunzipSync(readFileSync(path.join(SAMPLE, f)))
      .toString('utf8')
      .split('\n')
      .slice(0, -1) // each record ends with a newline
      .map((text, i) => ({ file: f, line: i + 1, text })),
  );

  it('lands in the Firehose layout', () => {
    expect(files.length).toBeGreaterThan(24);
    for (const f of files) expect(f).toMatch(/^events\/2026\/1[01]\/\d{2}\/\d{2}\/events-\d+\.gz$/);
  });

  it('holds valid events, duplicates and exactly the intended bad lines', () => {
    const bad: string[] = [];
    const ids = new Map<string, number>();
    let blank = 0;
    let beyond53 = 0;
    for (const l of lines) {
      if (l.text.trim() === '') {
        blank++;
        continue;
      }
      let parsed: unknown;
      try {
        parsed = parseEvent(l.text);
      } catch {
        bad.push(l.text);
        continue;
      }
      const r = RawEvent.safeParse(parsed);
      if (!r.success) {
        bad.push(l.text);
        continue;
      }
      if (r.data.event_id !== null) ids.set(r.data.event_id, (ids.get(r.data.event_id) ?? 0) + 1);
      if (r.data.user_id > 2n ** 53n) beyond53++;
    }
    expect(blank).toBe(2);
    expect(bad).toHaveLength(10);
    expect(lines.length).toBeGreaterThan(3000);
    expect([...ids.values()].filter((n) => n > 1).length).toBeGreaterThanOrEqual(20);
    expect(beyond53).toBeGreaterThan(0);
  });

  it('has a users dimension with quoted fields', () => {
    const text = readFileSync(path.join(SAMPLE, 'users/users.csv'), 'utf8');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows.length).toBe(200);
    for (const row of rows) {
      const r = Users.safeParse({ ...row, user_id: BigInt(row.user_id), name: row.name === '' ? null : row.name });
      expect(r.success, JSON.stringify(row)).toBe(true);
    }
    expect(rows.some((r) => r.name.includes(','))).toBe(true);
    expect(rows.some((r) => r.name.includes('"'))).toBe(true);
  });
});
