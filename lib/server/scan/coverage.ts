/**
 * What a scan analysed, per repository: files it could never read (binary, over the size limit),
 * files the engine could not analyse (broken YAML, invalid UTF-8, an alias bomb, a bake function it
 * does not know) and notes about files read but partly understood. Stored per scan so the repo page,
 * the scan's page and the report's coverage line say what a clean result does not cover.
 */
import type { RepoModel } from "@/lib/engine/types";
import { chunks } from "@/lib/server/chunk";
import type { Db } from "@/lib/server/db";
import type { RepoFiles } from "@/lib/server/scan/repos";
import type { FileProblem, ScanCoverage } from "@/lib/server/scan/types";

/** Notes per repository kept in storage: the first ones say enough, a noisy file cannot fill the table. */
const MAX_WARNINGS_PER_REPO = 50;

export interface RepoCoverage {
  repoId: number;
  name: string;
  files: number;
  analysed: number;
  unread: FileProblem[];
  errors: FileProblem[];
  warnings: FileProblem[];
}

function problems(list: Array<{ path: string; message: string; line?: number }>): FileProblem[] {
  return list.map((e) => ({ path: e.path, message: e.message, ...(e.line !== undefined ? { line: e.line } : {}) }));
}

/** Coverage of each repository from what was read and what the engine said about it. */
export function coverageOf(repos: RepoFiles[], models: RepoModel[]): RepoCoverage[] {
  const byRepo = new Map(models.map((m) => [m.repo, m]));
  return repos.map((r) => {
    const m = byRepo.get(r.fullName);
    const errors = problems(m?.errors ?? []);
    const warnings = problems(m?.warnings ?? []).slice(0, MAX_WARNINGS_PER_REPO);
    const failed = new Set([...r.unread.map((u) => u.path), ...errors.map((e) => e.path)]);
    const given = new Set(r.files.map((f) => f.path));
    const analysed = [...given].filter((p) => !failed.has(p)).length;
    return { repoId: r.repoId, name: r.name, files: analysed + failed.size, analysed, unread: r.unread, errors, warnings };
  });
}

export function summarize(cov: RepoCoverage[]): ScanCoverage {
  const notAnalysed: ScanCoverage["notAnalysed"] = [];
  for (const c of cov) {
    for (const p of [...c.unread, ...c.errors]) notAnalysed.push({ repo: c.name, ...p });
  }
  return {
    files: cov.reduce((n, c) => n + c.files, 0),
    analysed: cov.reduce((n, c) => n + c.analysed, 0),
    notAnalysed,
    partly: cov.reduce((n, c) => n + c.warnings.length, 0),
  };
}

/** Statements storing a scan's coverage (its FileIssue rows and counts). */
export function storeCoverage(db: Db, scanId: number, cov: RepoCoverage[]) {
  const rows = cov.flatMap((c) => [
    ...c.unread.map((p) => ({ kind: "unread", ...p })),
    ...c.errors.map((p) => ({ kind: "error", ...p })),
    ...c.warnings.map((p) => ({ kind: "warning", ...p })),
  ].map((p) => ({ scanId, repoId: c.repoId, path: p.path, kind: p.kind, message: p.message, line: p.line ?? null })));
  const s = summarize(cov);
  return [
    // 7 values a row: 100 rows stay under SQLite's bound-parameter limit
    ...chunks(rows, 100).map((data) => db.fileIssue.createMany({ data })),
    db.scan.update({ where: { id: scanId }, data: { filesTotal: s.files, filesAnalysed: s.analysed } }),
  ];
}

/** The line a user reads: "1,204 of 1,210 files analysed; 6 not" (or "all 1,210 files analysed"). */
export function coverageText(c: { files: number; analysed: number }): string {
  const n = (x: number) => x.toLocaleString("en-US");
  if (c.analysed === c.files) return `all ${n(c.files)} file${c.files === 1 ? "" : "s"} analysed`;
  return `${n(c.analysed)} of ${n(c.files)} files analysed; ${n(c.files - c.analysed)} not`;
}
