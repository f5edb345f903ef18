/** Crash-safe file primitives: write to a temp file, fsync, rename; and an exclusive lock file. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EtlError, displayPath } from '../errors/index.ts';

export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
}

export interface LockInfo {
  readonly pid: number;
  readonly since: string;
  readonly purpose: string;
}

export class LockBusyError extends EtlError {
  override readonly name: string = 'LockBusyError';
  readonly phase = 'commit' as const;
  constructor(
    readonly lockFile: string,
    readonly holder: LockInfo,
  ) {
    super(
      `${displayPath(lockFile)} is held by process ${holder.pid} (${holder.purpose}) since ${holder.since}`,
      'wait for that process to finish and run again; if it is gone, the next command removes its lock itself',
    );
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes an exclusive lock file. A lock left by a dead process is taken over (reported through
 * `onStale`); a live holder makes this wait up to `timeoutMs`, then throw LockBusyError.
 */
export async function withLock<T>(
  lockFile: string,
  purpose: string,
  fn: () => Promise<T>,
  options: { timeoutMs?: number; onStale?: (holder: LockInfo) => void } = {},
): Promise<T> {
  await fs.mkdir(path.dirname(lockFile), { recursive: true });
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const info: LockInfo = { pid: process.pid, since: new Date().toISOString(), purpose };
  for (let attempt = 0; ; attempt++) {
    try {
      await createLockFile(lockFile, info);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const lock = await readLock(lockFile);
      if (lock.state === 'gone') continue;
      if (lock.state === 'stale' || (lock.state === 'held' && !processAlive(lock.holder.pid))) {
        if (lock.state === 'held') options.onStale?.(lock.holder);
        await fs.rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new LockBusyError(lockFile, lock.holder);
      }
      await new Promise((r) => setTimeout(r, Math.min(50, 2 ** Math.min(attempt, 6)) * (0.5 + Math.random())));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockFile, { force: true });
  }
}

/**
 * Creates the lock with its content in one step: the content goes to a private temp file that
 * is then hard-linked to the lock's name (link fails with EEXIST if the lock exists). A lock is
 * therefore never seen empty, even when its creator is killed halfway.
 */
async function createLockFile(lockFile: string, info: LockInfo): Promise<void> {
  const tmp = `${lockFile}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(info));
  try {
    await fs.link(tmp, lockFile);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** The locks under a folder whose holder is still running (for a command that must not run beside them). */
export async function liveLocks(dir: string): Promise<{ readonly lockFile: string; readonly holder: LockInfo }[]> {
  const names = await fs.readdir(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? [] : Promise.reject(e)));
  const live: { lockFile: string; holder: LockInfo }[] = [];
  for (const name of names.filter((n) => n.endsWith('.lock')).sort()) {
    const lockFile = path.join(dir, name);
    const lock = await readLock(lockFile);
    if (lock.state === 'held' && processAlive(lock.holder.pid)) live.push({ lockFile, holder: lock.holder });
  }
  return live;
}

type LockState = { state: 'gone' } | { state: 'stale' } | { state: 'held'; holder: LockInfo };

async function readLock(lockFile: string): Promise<LockState> {
  let text: string;
  try {
    text = await fs.readFile(lockFile, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'gone' };
    throw e;
  }
  try {
    const holder = JSON.parse(text) as LockInfo;
    if (Number.isInteger(holder.pid) && holder.pid > 0) return { state: 'held', holder };
  } catch {
    // unreadable: see below
  }
  // Locks are created whole (createLockFile), so an unreadable one can only be debris.
  return { state: 'stale' };
}
