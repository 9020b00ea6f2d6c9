/**
 * Runs the fake GitHub + GHCR server in its own process, like the real GitHub is another machine:
 * its fixture in memory and its request handling do not count in the scanner's RSS or event loop.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { z } from "zod";

const hubStatsSchema = z.object({ requests: z.number(), tokens: z.number(), pulls: z.number(), byRoute: z.record(z.string(), z.number()) });
const statsSchema = z.object({ rest: z.number(), graphql: z.number(), registry: z.number(), byRoute: z.record(z.string(), z.number()), hub: hubStatsSchema.optional() });
export type ServerStats = z.infer<typeof statsSchema>;

export interface FakeServerProcess {
  url: string;
  /** the fake Docker Hub (docker.io) */
  hubUrl: string;
  stats(): Promise<ServerStats>;
  resetStats(): Promise<void>;
  /** re-read the fixture now (after the benchmark edited it): the server runs with --reload manual */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export async function spawnFakeServer(fixture: string, latencyMs: number): Promise<FakeServerProcess> {
  const cli = path.resolve(import.meta.dirname, "..", "lib", "demo", "fake-github-cli.ts");
  // every run of a bench is a scan of its own: under GitHub's 5,000 an hour a later run (the workers
  // bench's third 10,000-repo scan) would be refused for what the earlier ones spent
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", cli, "--fixture", fixture, "--port", "0", "--latency", String(latencyMs), "--reload", "manual", "--rate-limit", "1000000"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  const [url, hubUrl] = await new Promise<[string, string]>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`fake server did not start in 120 s: ${stderr}`)), 120_000);
    // `listening on URL` on stdout, the fake Docker Hub's URL on stderr
    const check = () => {
      const m = /^listening on (http:\/\/\S+)/m.exec(out);
      const h = /docker hub \(fake, docker\.io\) listening on (http:\/\/\S+?);/.exec(stderr);
      if (m && h) {
        clearTimeout(timer);
        resolve([m[1], h[1]]);
      }
    };
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      check();
    });
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      check();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`fake server exited (${code}): ${stderr}`));
    });
  });
  // a server that dies mid-run says why (its stderr), instead of the next request's "fetch failed"
  let closing = false;
  child.once("exit", (code, signal) => {
    if (!closing && (code !== 0 || signal)) process.stderr.write(`fake server exited (${code ?? signal}): ${stderr.slice(-4000)}\n`);
  });
  const call = async (p: string, method = "GET") => {
    // a keep-alive connection the server closed as it sat idle (the scan's analysis makes no requests
    // for seconds) fails the next request once ("other side closed"): ask again on a new one
    const once = () => fetch(`${url}${p}`, { method });
    const res = await once().catch(() => once()).catch((e: unknown) => {
      throw new Error(`${method} ${p}: ${(e as Error).message} (${String((e as { cause?: unknown }).cause ?? "")})`);
    });
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status}`);
    return res;
  };
  return {
    url,
    hubUrl,
    stats: async () => statsSchema.parse(await (await call("/__stats")).json()),
    resetStats: async () => void (await call("/__stats/reset", "POST")),
    reload: async () => void (await call("/__reload", "POST")),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        closing = true;
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
