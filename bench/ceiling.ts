/** How close a mailbox came to Microsoft's per-mailbox ceiling, given the limits it ran under. */
import { type Limits, type MailboxStats, outlookLimits } from '../src/emulators/m365/throttle.ts';

export interface CeilingFraction {
  /** Requests sent ÷ the most the request window allows in the mailbox's duration. */
  readonly requests: number;
  /** Bytes uploaded ÷ the most the upload window allows in the mailbox's duration. */
  readonly bytes: number;
  /** The binding one of the two. */
  readonly max: number;
}

/**
 * A sliding window of W holding at most B starts full, so in T seconds a client can send at most
 * B × (1 + T / W): the first window's burst plus the sustained rate. That bound is the ceiling; a
 * mailbox shorter than a few windows is dominated by the burst and says little about the rate.
 */
export function ceilingFraction(
  limits: Exclude<Limits, 'off'>,
  requests: number,
  uploadBytes: number,
  seconds: number,
): CeilingFraction {
  if (seconds <= 0) return { requests: 0, bytes: 0, max: 0 };
  const l = outlookLimits(limits);
  const most = (budget: number, windowMs: number) => budget * (1 + (seconds * 1000) / windowMs);
  const r = requests / most(l.requests, l.requestWindowMs);
  const b = uploadBytes / most(l.uploadBytes, l.uploadWindowMs);
  return { requests: r, bytes: b, max: Math.max(r, b) };
}

export interface Sample {
  readonly atMs: number;
  readonly mailboxes: Readonly<Record<string, MailboxStats>>;
}

/**
 * The steady rate: from one window after the mailbox's first request to its last one, requests
 * and bytes per second over the windows' own rates; NaN (printed "–") for a mailbox shorter than
 * two windows.
 */
export function sustainedFraction(
  limits: Exclude<Limits, 'off'>,
  samples: readonly Sample[],
  mailbox: string,
): CeilingFraction {
  const l = outlookLimits(limits);
  const series = samples
    .map((s) => ({ atMs: s.atMs, stats: s.mailboxes[mailbox] }))
    .filter((s): s is { atMs: number; stats: MailboxStats } => s.stats !== undefined && s.stats.requests > 0);
  const first = series[0];
  // The first sample with the final count: the mailbox's last request, not the end of the run.
  const last = series.find((s) => s.stats.requests === series.at(-1)?.stats.requests);
  const rate = (windowMs: number, pick: (s: MailboxStats) => number, budget: number): number => {
    if (first === undefined || last === undefined) return Number.NaN;
    const from = series.find((s) => s.atMs >= first.atMs + windowMs);
    if (from === undefined || last.atMs - from.atMs < windowMs) return Number.NaN;
    const perMs = (pick(last.stats) - pick(from.stats)) / (last.atMs - from.atMs);
    return perMs / (budget / windowMs);
  };
  const r = rate(l.requestWindowMs, (s) => s.requests, l.requests);
  const b = rate(l.uploadWindowMs, (s) => s.bytesUploaded, l.uploadBytes);
  const known = [r, b].filter(Number.isFinite);
  return { requests: r, bytes: b, max: known.length === 0 ? Number.NaN : Math.max(...known) };
}
