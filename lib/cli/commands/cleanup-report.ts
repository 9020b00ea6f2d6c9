import type { CleanupResult } from "@/lib/server/storage/cleanup";
import { cleanupCommand } from "@/lib/server/storage/command";
import { formatBytes } from "@/lib/server/storage/figures";

export interface Shown { olderThan: string | null; keepLast: number | null; package: string | null }
export interface Requests { rest: number; registry: number }

const n = (x: number) => x.toLocaleString("en-US");
const KIND: Record<string, string> = { cache: "cache export", "cache-index": "cache export (index form)", index: "index", image: "image", attestation: "attestation", signature: "signature", artifact: "artifact", unknown: "unknown" };

/** `cacheguard cleanup --format json`: the whole plan, every version with its reason. */
export function cleanupJson(r: CleanupResult, shown: Shown, requests: Requests) {
  return {
    org: r.org, mode: r.mode, options: shown,
    packages: r.packages.map((p) => ({
      name: p.name, status: p.status, problem: p.problem,
      storage: p.figures,
      orphans: p.plan.orphans, bytesFreed: p.plan.bytesFreed,
      delete: p.plan.delete,
      keep: p.plan.keep,
      ...(p.applied ? { applied: p.applied } : {}),
    })),
    stopped: r.stopped, totals: r.totals, requests,
    apply: r.mode === "plan" && r.totals.planned > 0 ? cleanupCommand({ org: r.org, ...shown, apply: true }) : null,
  };
}

export function cleanupText(r: CleanupResult, shown: Shown, requests: Requests): string {
  const lines: string[] = [];
  const opts = [shown.olderThan ? `--older-than ${shown.olderThan}` : "", shown.keepLast ? `--keep-last ${shown.keepLast}` : ""].filter(Boolean).join(" ");
  const planned = r.packages.filter((p) => p.plan.delete.length > 0).length;
  if (r.mode === "plan") {
    lines.push(`Clean-up plan for ${r.org}${opts ? ` (${opts})` : ""}: ${n(r.totals.planned)} version${r.totals.planned === 1 ? "" : "s"} safe to delete in ${planned} package${planned === 1 ? "" : "s"}` +
      `${r.totals.bytesFreed > 0 ? `, ${formatBytes(r.totals.bytesFreed)} of cache layers freed` : ""}`);
  } else {
    lines.push(`Clean-up of ${r.org}${opts ? ` (${opts})` : ""}: ${n(r.totals.deleted)} deleted, ${n(r.totals.alreadyGone)} already gone, ${n(r.totals.failed)} failed, of ${n(r.totals.planned)} planned`);
  }
  lines.push(`  requests: ${n(requests.rest)} REST, ${n(requests.registry)} registry`);
  for (const p of r.packages) {
    lines.push("");
    const f = p.figures;
    const counts = f ? `${n(f.versionCount ?? f.versionsStored)} versions (${n(f.tagged)} tagged, ${n(f.untagged ?? 0)} untagged, ${f.orphans === null ? "orphans unknown" : `${n(f.orphans)} orphan${f.orphans === 1 ? "" : "s"}`}), cache layers ${formatBytes(f.cacheBytes)}` : "";
    if (p.status === "refused") {
      lines.push(`${p.name}: not planned: ${p.problem}`);
      continue;
    }
    lines.push(`${p.name}: ${counts}; delete ${n(p.plan.delete.length)}, keep ${n(p.plan.keep.length)}`);
    for (const k of p.plan.keep) lines.push(`  keep    ${String(k.id).padEnd(12)} ${k.digest.slice(0, 19)}  ${k.reason}`);
    for (const d of p.plan.delete) {
      const done = p.applied ? (p.applied.deleted.includes(d.id) ? "deleted " : p.applied.alreadyGone.includes(d.id) ? "gone    " : p.applied.failed.some((x) => x.id === d.id) ? "FAILED  " : "skipped ") : "delete  ";
      lines.push(`  ${done}${String(d.id).padEnd(12)} ${d.digest.slice(0, 19)}  ${d.updatedAt.slice(0, 10)}  ${d.kind ? KIND[d.kind] ?? d.kind : "not read"}${d.bytes ? `, ${formatBytes(d.bytes)}` : ""}`);
    }
    for (const x of p.applied?.failed ?? []) lines.push(`  ! ${x.id}: ${x.message}`);
    if (p.plan.delete.length > 0) lines.push(`  why: ${p.plan.delete[0].reason.replace(/^[^:]*: /, "")} (each version's own reason: --format json)`);
  }
  if (r.mode === "plan" && r.totals.planned > 0) lines.push("", `To delete them: ${cleanupCommand({ org: r.org, ...shown, apply: true })}`);
  if (r.stopped) lines.push("", `Stopped: ${r.stopped}`);
  return `${lines.join("\n")}\n`;
}
