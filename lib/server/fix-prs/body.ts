import { getRule } from "@/lib/server/queries/rules";
import type { Candidate, PlannedFile, Skipped } from "./plan";

/** The branch of a fix pull request: one for "fix all" of a repository, one per single finding. */
export function branchFor(fingerprints: string[] | null): string {
  if (!fingerprints) return "cacheguard/fix-all";
  const [rule, hash] = fingerprints[0].split(":");
  return `cacheguard/fix-${rule}-${(hash ?? "").slice(-8)}`;
}

export function titleFor(fixed: Candidate[], single: boolean): string {
  if (single) return `cacheguard: give the cache of ${fixed[0].ref} its own ref`;
  return `cacheguard: give Docker build caches their own refs (${fixed.length} finding${fixed.length === 1 ? "" : "s"})`;
}

/** One commit message per file: what it changes and why. */
export function commitMessage(file: PlannedFile): string {
  const lines = file.findings.map((f) => `- ${f.ruleId} on ${f.ref} (line ${f.line}): ${f.fixDescription ?? "see the pull request"}`);
  return `cacheguard: give the build cache in ${file.path} its own ref\n\n${lines.join("\n")}\n`;
}

/** The pull request body: for each finding what breaks and why, the fix, and a link to it on the dashboard. */
export function bodyFor(opts: { org: string; repo: string; dashboardUrl: string; fixed: Candidate[]; skipped: Skipped[] }): string {
  const base = opts.dashboardUrl.replace(/\/+$/, "");
  const out: string[] = [
    "cacheguard found Docker build caches written to refs that images are pushed to or pulled from. BuildKit writes the cache " +
      "after the image, so the tag ends up holding a cache manifest and `docker run`/`docker pull` of it fails " +
      '("manifest unknown", "no matching manifest for linux/amd64", "unsupported media type application/vnd.buildkit.cacheconfig.v0").',
    "",
  ];
  for (const f of opts.fixed) {
    const rule = getRule(f.ruleId);
    out.push(`### ${rule?.title ?? f.ruleId}: \`${f.ref}\``, "");
    out.push(`\`${f.path}:${f.line}\` · [${f.ruleId}](${base}/rules/${f.ruleId}) · [see it in cacheguard](${base}/repos/${encodeURIComponent(opts.repo)}#finding-${f.id})`, "");
    out.push(`**What breaks:** ${f.message}`, "");
    if (rule) out.push(`**Why:** ${rule.description}`, "");
    out.push(`**Fix:** ${f.fixDescription ?? rule?.fix ?? "see the diff"}`, "");
  }
  if (opts.skipped.length > 0) {
    out.push("### Not in this pull request", "");
    for (const s of opts.skipped) out.push(`- \`${s.ref}\` (${s.ruleId}, \`${s.path}\`): ${s.reason}`);
    out.push("");
  }
  out.push(`Opened by [cacheguard](${base}/repos/${encodeURIComponent(opts.repo)}); it updates this pull request when the fixes change. ` +
    "The findings resolve at the first scan after it is merged.");
  out.push(`<!-- cacheguard:fingerprints ${opts.fixed.map((f) => f.fingerprint).join(" ")} -->`);
  return out.join("\n");
}
