/** How close a mailbox came to Microsoft's per-mailbox ceiling, given the limits it ran under. */
import { type Limits, outlookLimits } from '../src/emulators/m365/throttle.ts';

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
