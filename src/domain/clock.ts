/** Time as the engine and the clients see it; tests pass a virtual clock so waits cost nothing. */
export interface Clock {
  /** Milliseconds on a monotonic scale (not wall time). */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
