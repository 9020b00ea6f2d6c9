import { parseForeignPath } from "@/lib/engine/paths";
/**
 * Deterministic formatting (UTC, fixed pattern): server and browser render the same text,
 * so hydration never mismatches and nothing shifts after load.
 */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  return iso.slice(0, 10);
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || ms < 0) return "—";
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function shortDigest(digest: string): string {
  const [algo, hex] = digest.split(":");
  return hex ? `${algo}:${hex.slice(0, 12)}` : digest.slice(0, 19);
}

export function githubLineUrl(org: string, repo: string, branch: string, path: string, line: number): string {
  // a file of another repository of the org (an action used as `org/actions/x@v1`) links to that repository at that ref
  const foreign = parseForeignPath(path);
  const [o, r] = foreign ? foreign.repo.split("/") : [org, repo];
  const ref = foreign ? foreign.ref : branch;
  const safePath = (foreign ? foreign.path : path).split("/").map(encodeURIComponent).join("/");
  return `https://github.com/${o}/${r}/blob/${encodeURIComponent(ref)}/${safePath}#L${line}`;
}

/** "2 files not analysed" for a scan that skipped files, else null. */
export function notAnalysedText(s: { filesTotal: number | null; filesAnalysed: number | null }): string | null {
  if (s.filesTotal === null || s.filesAnalysed === null || s.filesAnalysed >= s.filesTotal) return null;
  const n = s.filesTotal - s.filesAnalysed;
  return `${n} file${n === 1 ? "" : "s"} not analysed`;
}

/**
 * What a scan covered, in words: the whole org, or what a webhook's incremental scan read
 * (`repo:api` -> "repository api", `package:api` -> "package api", `repos` -> "repository list").
 */
export function scopeText(scope: string | null | undefined): string {
  if (!scope) return "whole org";
  if (scope === "repos") return "repository list";
  const m = /^(repo|package):(.+)$/.exec(scope);
  if (!m) return scope;
  return `${m[1] === "repo" ? "repository" : "package"} ${m[2]}`;
}

/** A span of time people read at a glance: "45 min", "5 h", "3 d 4 h". */
export function formatSpan(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || ms < 0) return "—";
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.round(ms / 3_600_000);
  if (h < 48) return `${h} h`;
  const d = Math.floor(ms / 86_400_000);
  const rest = Math.round((ms - d * 86_400_000) / 3_600_000);
  return rest > 0 ? `${d} d ${rest} h` : `${d} d`;
}
