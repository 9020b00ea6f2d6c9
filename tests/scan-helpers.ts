import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { type FakeGitHub, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { type Db, createDb } from "@/lib/server/db";
import { ensureDatabase } from "@/lib/server/migrate";
import type { ScanConfig } from "@/lib/server/scan";

export const DEMO_FIXTURE = path.resolve(import.meta.dirname, "..", "lib", "demo", "fixture");

let template: string | null = null;

/** Migrate one database per test process, then copy it: a fresh SQLite file per test in ms. */
async function templateDb(): Promise<string> {
  if (template) return template;
  const dir = mkdtempSync(path.join(tmpdir(), "cg-scan-template-"));
  const file = path.join(dir, "template.db");
  await ensureDatabase(`file:${file}`);
  template = file;
  return file;
}

/** An empty, migrated SQLite file in `dir` (a copy of the per-process template). */
export async function freshDbUrl(dir: string): Promise<string> {
  const file = path.join(dir, "cacheguard.db");
  copyFileSync(await templateDb(), file);
  return `file:${file}`;
}

export interface ScanEnv {
  dir: string;
  fixture: string;
  server: FakeGitHub;
  db: Db;
  dbUrl: string;
  config: ScanConfig;
  close(): Promise<void>;
}

/** A copy of the demo fixture in a temp dir, the fake server on it, and an empty migrated database. */
export async function scanEnv(prepare?: (fixture: string) => void): Promise<ScanEnv> {
  const dir = mkdtempSync(path.join(tmpdir(), "cg-scan-"));
  const fixture = path.join(dir, "fixture");
  cpSync(DEMO_FIXTURE, fixture, { recursive: true, preserveTimestamps: true });
  prepare?.(fixture);
  const dbUrl = await freshDbUrl(dir);
  await ensureDatabase(dbUrl); // already current: must be a no-op
  const db = createDb(dbUrl);
  const server = await startFakeGitHub({ fixture, port: 0 });
  return {
    dir, fixture, server, db, dbUrl,
    config: { org: "acme", apiUrl: server.url, registryUrl: server.url, token: "demo-token" },
    async close() {
      await server.close();
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Rewrite the cache ref a finding points at (`…:tag` -> `…:tag-cache`) in the fixture: the fix a user would make. */
export function moveCacheRef(fixture: string, f: { repo?: string; path: string; line: number; column: number }): void {
  const file = path.join(fixture, "repos", f.repo!.split("/")[1], f.path);
  const lines = readFileSync(file, "utf8").split("\n");
  const at = lines[f.line - 1];
  const start = f.column - 1;
  const end = start + (/^[^\s,"']+/.exec(at.slice(start))?.[0].length ?? 0);
  lines[f.line - 1] = `${at.slice(0, end)}-cache${at.slice(end)}`;
  writeFileSync(file, lines.join("\n"));
}

/**
 * A proxy in front of the fake server whose GraphQL answers say "no access" for one repository
 * (its alias comes back null with an error, as GitHub does), to model a repo that fails mid-scan.
 */
export async function failingRepoProxy(target: string, repo: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "content-length") headers[k] = v;
    const upstream = await fetch(`${target}${req.url}`, { method: req.method, headers, body: req.method === "GET" || req.method === "HEAD" ? undefined : body });
    let text = Buffer.from(await upstream.arrayBuffer());
    if (req.url?.endsWith("/graphql") && upstream.ok) {
      const vars = (JSON.parse(body.toString()).variables ?? {}) as Record<string, unknown>;
      const json = JSON.parse(text.toString()) as { data?: Record<string, unknown>; errors?: unknown[] };
      for (const [k, v] of Object.entries(vars)) {
        const alias = `r${k.slice(1)}`;
        if (v === repo && /^n\d+$/.test(k) && json.data && alias in json.data) {
          json.data[alias] = null;
          json.errors = [...(json.errors ?? []), { type: "FORBIDDEN", path: [alias], message: `Resource not accessible by integration (${repo})` }];
        }
      }
      text = Buffer.from(JSON.stringify(json));
    }
    const out: Record<string, string> = {};
    upstream.headers.forEach((v, k) => { if (k !== "content-length" && k !== "content-encoding" && k !== "transfer-encoding") out[k] = v; });
    res.writeHead(upstream.status, out);
    res.end(req.method === "HEAD" ? undefined : text);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}
