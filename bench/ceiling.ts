/** How close a mailbox came to Microsoft's per-mailbox ceiling (Outlook limits, windows divided by F). */
import { OUTLOOK_LIMITS } from '../src/emulators/m365/throttle.ts';

export interface CeilingFraction {
  /** Requests per second ÷ 10,000 per (600 / F) s. */
  readonly requests: number;
  /** Uploaded bytes per second ÷ 150 MB per (300 / F) s. */
  readonly bytes: number;
  /** The binding one of the two. */
  readonly max: number;
}

export function ceilingFraction(
  scale: number,
  requests: number,
  uploadBytes: number,
  seconds: number,
): CeilingFraction {
  if (seconds <= 0) return { requests: 0, bytes: 0, max: 0 };
  const requestCeiling = OUTLOOK_LIMITS.requests / (OUTLOOK_LIMITS.requestWindowMs / 1000 / scale);
  const byteCeiling = OUTLOOK_LIMITS.uploadBytes / (OUTLOOK_LIMITS.uploadWindowMs / 1000 / scale);
  const r = requests / seconds / requestCeiling;
  const b = uploadBytes / seconds / byteCeiling;
  return { requests: r, bytes: b, max: Math.max(r, b) };
}
