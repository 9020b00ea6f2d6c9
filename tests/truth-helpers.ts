import { copyFileSync } from "node:fs";
import path from "node:path";
import type { FaultOptions } from "@/lib/demo/fake-github/faults";
import { type FakeGitHub, type FakeGitHubOptions, startFakeGitHub } from "@/lib/demo/fake-github/server";
import { type Db, createDb } from "@/lib/server/db";
import { runScan, type ScanSummary } from "@/lib/server/scan";
import { copyPostgresDatabase, testingOnPostgres } from "./postgres-test-db";
import { type ScanEnv, scanEnv } from "./scan-helpers";

/** What a user would miss if a scan forgot it: open findings (with their history), packages, tags. */
export interface Truth {
  /** fingerprint -> the scan that first saw it */
  open: Map<string, number>;
  packages: string[];
  /** `package:tag` */
  tags: string[];
}

export async function truthOf(db: Db): Promise<Truth> {
  const open = await db.finding.findMany({ where: { resolvedScanId: null }, select: { fingerprint: true, firstSeenScanId: true } });
  const packages = await db.package.findMany({ select: { name: true } });
  const tags = await db.packageTag.findMany({ select: { tag: true, package: { select: { name: true } } } });
  return {
    open: new Map(open.map((f) => [f.fingerprint, f.firstSeenScanId])),
    packages: packages.map((p) => p.name).sort(),
    tags: tags.map((t) => `${t.package.name}:${t.tag}`).sort(),
  };
}

/** Findings of `before` that are no longer open, or open with a different first-seen scan (history lost). */
export function lostFindings(before: Truth, after: Truth): string[] {
  return [...before.open].filter(([fp, first]) => after.open.get(fp) !== first).map(([fp]) => fp);
}

export interface Populated {
  env: ScanEnv;
  clean: ScanSummary;
  truth: Truth;
  /** a copy of the populated database: a file, or in the PostgreSQL run a database URL */
  snapshot: string;
  close(): Promise<void>;
}

/** The demo org scanned once, fault-free, into a database kept as a snapshot for every case to start from. */
export async function populated(): Promise<Populated> {
  const env = await scanEnv();
  const clean = await runScan(env.db, { config: env.config, trigger: "manual" });
  const truth = await truthOf(env.db);
  await env.db.$disconnect();
  let snapshot = path.join(env.dir, "populated.db");
  if (testingOnPostgres()) snapshot = await copyPostgresDatabase(env.dbUrl);
  else copyFileSync(env.dbUrl.replace(/^file:/, ""), snapshot);
  return { env, clean, truth, snapshot, close: () => env.close() };
}

let copies = 0;

/**
 * A fresh copy of the populated database. With `reread` (the default) it is marked so that the next
 * scan reads everything again (as if every repo and package had changed and every digest had moved):
 * every list a scan relies on is then on the wire, so a fault on any of them is met. Without, the
 * next scan is a plain rescan of the unchanged org (repo list and package list only).
 */
export async function populatedCopy(p: Populated, opts: { reread?: boolean } = {}): Promise<Db> {
  let url = `file:${path.join(p.env.dir, `case-${++copies}.db`)}`;
  if (testingOnPostgres()) url = await copyPostgresDatabase(p.snapshot);
  else copyFileSync(p.snapshot, url.slice("file:".length));
  const db = createDb(url);
  if (opts.reread === false) return db;
  await db.repo.updateMany({ data: { scannedHeadSha: null } });
  await db.package.updateMany({ data: { updatedAt: null } });
  await db.packageTag.updateMany({ data: { digest: "sha256:stale" } });
  await db.manifestKind.deleteMany();
  return db;
}

/** Lists paged small enough that the demo org's packages and tags take several pages. */
export const SMALL_PAGES: Pick<FakeGitHubOptions, "maxPerPage" | "maxTagsPerPage"> = { maxPerPage: 5, maxTagsPerPage: 1 };

export interface FaultyRun {
  summary: ScanSummary;
  server: ReturnType<FakeGitHub["stats"]>;
  after: Truth;
}

/** Rescan a populated copy through a fake server with `faults`; the server is closed afterwards. */
export async function rescanWithFaults(p: Populated, db: Db, faults: FaultOptions): Promise<FaultyRun> {
  const server = await startFakeGitHub({ fixture: p.env.fixture, faults, ...SMALL_PAGES });
  try {
    const summary = await runScan(db, { config: { ...p.env.config, apiUrl: server.url, registryUrl: server.url }, trigger: "schedule" });
    return { summary, server: server.stats(), after: await truthOf(db) };
  } finally {
    await server.close();
  }
}

/** The scan's stated reason for not being complete, as stored: repo errors, or the error of a failed scan. */
export async function storedReason(db: Db, scanId: number): Promise<{ status: string; reason: string }> {
  const scan = await db.scan.findUniqueOrThrow({ where: { id: scanId } });
  const errors = JSON.parse(scan.repoErrors) as Array<{ repo: string; message: string }>;
  const reason = [scan.error ?? "", ...errors.map((e) => `${e.repo}: ${e.message}`)].filter(Boolean).join("\n");
  return { status: scan.status, reason };
}
