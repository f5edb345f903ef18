import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LockBusyError, withLock } from './fs-atomic.ts';

const dir = () => mkdtempSync(path.join(tmpdir(), 'etl-lock-'));

describe('withLock', () => {
  it('holds the lock during the work and leaves nothing behind', async () => {
    const d = dir();
    const lock = path.join(d, 't.lock');
    await withLock(lock, 'test', async () => {
      expect(existsSync(lock)).toBe(true);
    });
    expect(readdirSync(d)).toEqual([]);
  });

  it('refuses a lock held by a live process, naming it', async () => {
    const lock = path.join(dir(), 't.lock');
    await withLock(lock, 'outer', async () => {
      const err = await withLock(lock, 'inner', async () => {}, { timeoutMs: 0 }).catch((e) => e);
      expect(err).toBeInstanceOf(LockBusyError);
      expect(err.holder).toMatchObject({ pid: process.pid, purpose: 'outer' });
    });
  });

  it('takes over a lock left by a dead process, and an empty one left by a crash', async () => {
    for (const content of [JSON.stringify({ pid: 4194301, since: '2026-01-01T00:00:00Z', purpose: 'etl run x' }), '']) {
      const lock = path.join(dir(), 't.lock');
      writeFileSync(lock, content);
      const stale: unknown[] = [];
      let ran = false;
      await withLock(lock, 'test', async () => void (ran = true), { timeoutMs: 0, onStale: (h) => stale.push(h) });
      expect(ran).toBe(true);
      expect(stale).toHaveLength(content ? 1 : 0);
    }
  });
});
