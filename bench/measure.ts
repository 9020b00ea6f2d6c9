/** Wall time and peak RSS of one benchmark step. */

export interface Measured<T> {
  value: T;
  wallMs: number;
  peakRssMb: number;
  /** peaks of V8's heap in use and of memory outside it (Buffers, WASM, native addons), to say where RSS goes */
  peakHeapMb: number;
  peakExternalMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

/** Runs fn, sampling process RSS every 50 ms; the peak includes the RSS at start and end. */
export async function measure<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  let peak = process.memoryUsage.rss();
  let heap = 0;
  let external = 0;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heap = Math.max(heap, m.heapUsed);
    external = Math.max(external, m.external + m.arrayBuffers);
  }, 50);
  const t0 = performance.now();
  try {
    const value = await fn();
    const wallMs = performance.now() - t0;
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, wallMs: Math.round(wallMs), peakRssMb: mb(peak), peakHeapMb: mb(heap), peakExternalMb: mb(external) };
  } finally {
    clearInterval(timer);
  }
}

/** The process's lifetime peak RSS (kernel's maxrss), in MB. */
export function maxRssMb(): number {
  return mb(process.resourceUsage().maxRSS * 1024);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const round1 = (x: number) => Math.round(x * 10) / 10;
export const round3 = (x: number) => Math.round(x * 1000) / 1000;
