import { createHash } from "node:crypto";
import { displayPath, parseForeignPath } from "@/lib/engine/paths";
import type { FindingRow } from "@/lib/server/queries/findings";
import { getRule } from "@/lib/server/queries/rules";

/** The issue's fixed title and the marker that tells cacheguard's issue from any other with the label. */
export const ISSUE_TITLE = "cacheguard: Docker build cache findings";
export const ISSUE_LABEL = { name: "cacheguard", color: "b60205", description: "Docker build cache findings, kept up to date by cacheguard" };
export const ISSUE_MARKER = "<!-- cacheguard:repo-issue -->";
/** findings listed in full; the rest are counted (an issue body holds 65,536 characters at most) */
export const MAX_LISTED = 50;

export const bodyHash = (body: string) => createHash("sha256").update(body).digest("hex");

const SEVERITY_RANK: Record<string, number> = { error: 0, warning: 1, note: 2 };
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Text from a finding, kept inline: no raw HTML, no accidental mentions or table breaks. */
function inline(text: string): string {
  return text.replace(/[<>]/g, (c) => (c === "<" ? "&lt;" : "&gt;")).replace(/(^|\s)@(\w)/g, "$1@\u200b$2").replace(/\s*\n\s*/g, " ");
}

function encodePath(p: string): string {
  return p.split("/").map(encodeURIComponent).join("/");
}

export interface IssueContext {
  org: string;
  repo: string;
  /** the repository's html_url, e.g. https://github.com/acme/api */
  htmlUrl: string;
  headSha: string;
  defaultBranch: string;
  /** the dashboard's public URL (NEXTAUTH_URL), for links to each finding; none without it */
  dashboardUrl: string | null;
}

/** The line of a finding on GitHub: this repository's file at the scanned head, or another repository's at its ref. */
export function lineUrl(c: IssueContext, path: string, line: number): string {
  const foreign = parseForeignPath(path);
  if (foreign) {
    const host = c.htmlUrl.replace(/\/[^/]+\/[^/]+\/?$/, "");
    return `${host}/${foreign.repo}/blob/${encodeURIComponent(foreign.ref)}/${encodePath(foreign.path)}#L${line}`;
  }
  return `${c.htmlUrl.replace(/\/+$/, "")}/blob/${c.headSha}/${encodePath(path)}#L${line}`;
}

/** The issue body: what breaks, then each open finding with its place, ref, fix and dashboard link. */
export function renderIssueBody(c: IssueContext, findings: FindingRow[]): string {
  const sorted = [...findings].sort((a, b) => (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3) || a.path.localeCompare(b.path) || a.line - b.line || a.id - b.id);
  const dash = c.dashboardUrl?.replace(/\/+$/, "") ?? null;
  const commit = `${c.htmlUrl.replace(/\/+$/, "")}/commit/${c.headSha}`;
  const out: string[] = [
    ISSUE_MARKER,
    `cacheguard found ${plural(sorted.length, "open finding")} in this repository at [\`${c.headSha.slice(0, 7)}\`](${commit}) (\`${c.defaultBranch}\`): Docker build caches written to refs that images are pushed to or pulled from. ` +
      "BuildKit writes the cache after the image, so the tag ends up holding a cache manifest and `docker pull`/`docker run` of it fails.",
    "",
  ];
  sorted.slice(0, MAX_LISTED).forEach((f, i) => {
    const rule = getRule(f.ruleId);
    out.push(`### ${i + 1}. ${f.severity}: ${inline(rule?.title ?? f.ruleId)} (\`${f.ruleId}\`)`, "");
    out.push(`- **Where:** [\`${displayPath(f.path)}:${f.line}\`](${lineUrl(c, f.path, f.line)})`);
    out.push(`- **Ref:** \`${f.ref.replace(/`/g, "'")}\` (confidence ${f.confidence})`);
    out.push(`- **What breaks:** ${inline(f.message)}`);
    if (f.fixDescription) out.push(`- **Fix:** ${inline(f.fixDescription)}`);
    if (dash) out.push(`- [See it in cacheguard](${dash}/repos/${encodeURIComponent(c.repo)}#finding-${f.id})`);
    out.push("");
  });
  if (sorted.length > MAX_LISTED) {
    out.push(`…and ${plural(sorted.length - MAX_LISTED, "more finding")}${dash ? `: [all of them in cacheguard](${dash}/repos/${encodeURIComponent(c.repo)})` : ""}.`, "");
  }
  out.push(
    "---",
    "This issue is kept by cacheguard: it is updated after each scan and closed once every finding above is fixed. " +
      "A reviewed exception can be silenced with `# cacheguard: ignore[rule-id] reason` on its line, or in `.github/cacheguard.yml`.",
  );
  return out.join("\n");
}

export function closingComment(scanId: number, c: IssueContext): string {
  return `Fixed as of scan #${scanId}: no open cacheguard findings at [\`${c.headSha.slice(0, 7)}\`](${c.htmlUrl.replace(/\/+$/, "")}/commit/${c.headSha}). Closing this issue.`;
}

export function reopeningComment(scanId: number, open: number, c: IssueContext): string {
  return `Reopening: scan #${scanId} found ${plural(open, "open finding")} again at [\`${c.headSha.slice(0, 7)}\`](${c.htmlUrl.replace(/\/+$/, "")}/commit/${c.headSha}); the description lists them.`;
}
