/**
 * A bounded concurrency limiter. One instance is shared by every REST, GraphQL and
 * registry call of a scan, so the scan never has more than `max` requests in flight
 * (GitHub's secondary limits punish bursts of concurrent requests).
 */
export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
  readonly max: number;
  /** requests currently running */
  readonly active: number;
  /** highest number of requests seen running at once (for tests and the scan report) */
  readonly peak: number;
}

export function createLimiter(max = 4): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new Error(`maxConcurrency must be a positive integer, got ${max}`);
  let active = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];

  const release = () => {
    active--;
    const next = waiting.shift();
    if (next) next();
  };

  return {
    max,
    get active() {
      return active;
    },
    get peak() {
      return peak;
    },
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
      active++;
      peak = Math.max(peak, active);
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}

/**
 * The limiter of the GitHub client that owns a stats object. A registry client created with
 * the same stats object (as a scan does) joins that limiter, so one cap covers the whole scan.
 */
const byStats = new WeakMap<object, Limiter>();
export function bindLimiter(stats: object, limiter: Limiter): void {
  byStats.set(stats, limiter);
}
export function limiterFor(stats: object | undefined): Limiter | undefined {
  return stats ? byStats.get(stats) : undefined;
}
