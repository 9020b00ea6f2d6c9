/**
 * `cacheguard worker` as a child process, for tests and benches: its log lines as they come, a wait for
 * a line, its lifetime peak RSS (the worker says it when it stops; read from /proc while it runs).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

export interface WorkerProcess {
  pid: number;
  child: ChildProcess;
  /** every line it wrote to stderr so far */
  lines: string[];
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** peak resident memory so far (VmHWM), in MB; null once it has exited */
  peakRssMb(): number | null;
  /** SIGTERM, and wait for it to exit; the exit code */
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, "..", "..");

export function spawnWorker(env: Record<string, string | undefined>, args: string[] = []): WorkerProcess {
  // a key set to undefined is removed from the inherited environment
  const merged = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "lib", "cli", "main.ts"), "worker", ...args], {
    cwd: ROOT, env: merged, stdio: ["ignore", "ignore", "pipe"],
  });
  const lines: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  let rest = "";
  let lastPeak: number | null = null;
  child.stderr!.on("data", (d: Buffer) => {
    rest += d.toString();
    const parts = rest.split("\n");
    rest = parts.pop()!;
    for (const l of parts) {
      lines.push(l);
      for (const w of [...waiters]) if (w.re.test(l)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(l);
      }
    }
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const peak = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (m) lastPeak = Math.round(Number(m[1]) / 102.4) / 10;
    } catch {
      // exited
    }
    return lastPeak;
  };
  return {
    pid: child.pid!, child, lines,
    waitFor(re, timeoutMs = 60_000) {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`worker ${child.pid}: no line matching ${re} in ${timeoutMs} ms; its log:\n${lines.slice(-30).join("\n")}`)), timeoutMs);
        waiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)) });
        void exited.then((code) => {
          clearTimeout(t);
          reject(new Error(`worker ${child.pid} exited (${code}) before a line matching ${re}; its log:\n${lines.slice(-30).join("\n")}`));
        });
      });
    },
    peakRssMb: () => (child.exitCode === null && child.signalCode === null ? peak() : lastPeak),
    async stop() {
      peak();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
    async kill() {
      peak();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
