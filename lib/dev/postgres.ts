/**
 * A throwaway PostgreSQL server from Debian's `postgresql` package, for tests and benches: a new
 * cluster in a temp folder, listening on a private loopback port, trusted local sign-in, stopped
 * (and its folder removed) by `stop()`. Never a server anyone else uses.
 *
 * PostgreSQL refuses to run as root: as root, the cluster belongs to the package's `postgres` user
 * and its programs run as that user (runuser).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface LocalPostgres {
  port: number;
  /** `postgresql://…/NAME` on this server (NAME defaults to `postgres`) */
  url(database?: string): string;
  /** CREATE DATABASE (optionally from a template database); returns its URL */
  createDatabase(name: string, template?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Where the server's programs are: POSTGRES_BIN, else the newest /usr/lib/postgresql/N/bin; null when absent. */
export function postgresBinDir(): string | null {
  const fromEnv = process.env.POSTGRES_BIN;
  if (fromEnv) return existsSync(path.join(fromEnv, "postgres")) ? fromEnv : null;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "postgres"))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], "bin") : null;
}

export const POSTGRES_MISSING = "PostgreSQL is not installed (apt-get install postgresql, or set POSTGRES_BIN to its bin folder)";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const asRoot = typeof process.getuid === "function" && process.getuid() === 0;

function owner(): { uid: number; gid: number } | null {
  if (!asRoot) return null;
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  return { uid, gid };
}

function command(bin: string, args: string[]): [string, string[]] {
  return asRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
}

/** Start a new cluster; null (and why, in `reason`) when PostgreSQL is not installed. */
export async function startPostgres(opts: { port?: number } = {}): Promise<LocalPostgres | null> {
  const bin = postgresBinDir();
  if (!bin) return null;
  const dir = mkdtempSync(path.join(tmpdir(), "cg-postgres-"));
  const data = path.join(dir, "data");
  const own = owner();
  if (own) {
    chownSync(dir, own.uid, own.gid);
    chmodSync(dir, 0o700);
  }
  const [initCmd, initArgs] = command(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
  execFileSync(initCmd, initArgs, { stdio: "pipe" });
  const port = opts.port ?? (await freePort());
  // fsync off and a small WAL: a test cluster trades durability for speed; sockets stay in its own folder
  const [cmd, args] = command(path.join(bin, "postgres"), [
    "-D", data, "-p", String(port), "-h", "127.0.0.1", "-k", dir,
    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200",
  ]);
  const child: ChildProcess = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const url = (database = "postgres") => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  const deadline = Date.now() + 30_000;
  const { Client } = await import("pg");
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited (${child.exitCode}): ${log.trim()}`);
    const c = new Client({ connectionString: url() });
    try {
      await c.connect();
      await c.end();
      break;
    } catch {
      await c.end().catch(() => {});
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections on ${port} within 30 s: ${log.trim()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port,
    url,
    async createDatabase(name, template) {
      const c = new Client({ connectionString: url() });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${name.replace(/"/g, "")}"${template ? ` TEMPLATE "${template.replace(/"/g, "")}"` : ""}`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        // pg_ctl signals the postmaster itself (runuser does not pass signals on): a fast shutdown
        const [stopCmd, stopArgs] = command(path.join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "fast", "-w", "-t", "10"]);
        try {
          execFileSync(stopCmd, stopArgs, { stdio: "pipe" });
        } catch {
          child.kill("SIGKILL");
        }
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
