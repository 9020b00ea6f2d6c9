import { copyFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
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
  const dbFile = path.join(dir, "cacheguard.db");
  copyFileSync(await templateDb(), dbFile);
  const dbUrl = `file:${dbFile}`;
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
