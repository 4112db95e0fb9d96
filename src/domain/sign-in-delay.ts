/**
 * Guessing passwords slows down per account instead of locking it: the first failures are free,
 * then each further attempt must wait twice as long as the one before, up to a cap. The right
 * password is never refused for longer than the cap, so nobody can lock an agent out by guessing.
 */
export const FREE_SIGN_IN_FAILURES = 5;
export const MAX_SIGN_IN_DELAY_MS = 15 * 60 * 1000;

/** How long after the latest of `failures` consecutive failed sign-ins the next attempt must wait. */
export function signInDelayMs(failures: number): number {
  if (failures < FREE_SIGN_IN_FAILURES) return 0;
  const exponent = failures - FREE_SIGN_IN_FAILURES;
  return exponent >= 20 ? MAX_SIGN_IN_DELAY_MS : Math.min(1000 * 2 ** exponent, MAX_SIGN_IN_DELAY_MS);
}
