/**
 * Following a run to its end, for every target: its state polled with backoff (the first
 * interval, growing by half each poll up to a maximum), each change reported once; Ctrl-C (the
 * signal) detaches without touching the run.
 */
import { sleep } from '../emr/steps.ts';

export interface PollOptions {
  /** First poll interval; grows by half each poll up to maxPollMs. */
  readonly pollMs?: number;
  readonly maxPollMs?: number;
  readonly onState?: (state: string, elapsedMs: number) => void;
  readonly signal?: AbortSignal;
}

export interface Polled<S> {
  readonly state: string;
  /** The last status read (the target's own type: a step's status, a Glue job run, ...). */
  readonly status: S;
  readonly elapsedMs: number;
  /** Aborted by the signal (Ctrl-C) before the run ended. */
  readonly detached: boolean;
}

export async function pollUntilEnd<S>(read: (signal?: AbortSignal) => Promise<{ state: string; status: S }>, terminal: ReadonlySet<string>, options: PollOptions = {}): Promise<Polled<S>> {
  const started = Date.now();
  let interval = options.pollMs ?? 5_000;
  let last: { state: string; status: S } | undefined;
  for (;;) {
    let now: { state: string; status: S };
    try {
      now = await read(options.signal);
    } catch (e) {
      if (options.signal?.aborted && last) return { ...last, elapsedMs: Date.now() - started, detached: true };
      throw e;
    }
    if (now.state !== last?.state) options.onState?.(now.state, Date.now() - started);
    last = now;
    if (terminal.has(now.state)) return { ...now, elapsedMs: Date.now() - started, detached: false };
    await sleep(interval, options.signal);
    if (options.signal?.aborted) return { ...now, elapsedMs: Date.now() - started, detached: true };
    interval = Math.min(options.maxPollMs ?? 30_000, Math.round(interval * 1.5));
  }
}
