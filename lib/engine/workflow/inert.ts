/**
 * Most workflows build no image and run no container: test, lint and release jobs. Every build and
 * consumer extraction finds starts at a word these files never contain (a `docker/…` action, a
 * `docker`/`podman`/`buildctl` command, `container:`/`services:`, `docker://`), so such a file needs
 * only what extraction would report regardless: capped matrices and the step budget.
 */
import { isMap } from "yaml";
import { expandMatrix, MAX_COMBINATIONS } from "./matrix";
import { repoOwner, warnOnce, type FileState } from "./model";
import { nodeSpan } from "./values";
import { mapEntries, mapGet, seqItems } from "./yaml-doc";

/** Case-insensitive like dockerAction(); a superset of what runStep() looks for in a script. */
const RELEVANT_RE = /docker|buildctl|podman|container|services/i;

/**
 * A superset of the commands runStep() follows or records: docker builds and pulls, scripts it runs
 * (`./x`, `bash x`, `. x`, `x.sh`, workspace and action paths), `make`, and `$GITHUB_OUTPUT` writes.
 * runStep() skips a script this does not match, so the file-level shortcut below agrees with it.
 */
export const SCRIPT_HINT_RE =
  /docker|buildctl|podman|crane|skopeo|regctl|\baz[ \t]+acr|\b[gm]?make\b|\.\/|\.(?:sh|bash)\b|\b(?:bash|sh|source)[ \t]+[^\s-]|(?:^|[\s;&|])\.[ \t]|GITHUB_WORKSPACE|github\.workspace|action_path|GITHUB_OUTPUT|set-output/i;

/** RELEVANT_RE or SCRIPT_HINT_RE in one scan of the file (most files match neither and are read to the end). */
const EITHER_RE = new RegExp(`${RELEVANT_RE.source}|${SCRIPT_HINT_RE.source}`, "i");

/** False only for a file in which extraction cannot find anything: no build, pull, call or script. */
export function mayDefineBuilds(text: string, repo?: string): boolean {
  if (EITHER_RE.test(text)) return true;
  // `uses: <owner>/…` of the same organization may be a composite action or reusable workflow.
  const owner = repo === undefined ? undefined : repoOwner(repo);
  return owner !== undefined && ownerUsesRe(owner).test(text);
}

/** One expression per owner (an org scan asks for every file of the organization): compiled once. */
const ownerUses = new Map<string, RegExp>();
function ownerUsesRe(owner: string): RegExp {
  let re = ownerUses.get(owner);
  if (!re) {
    if (ownerUses.size > 1_000) ownerUses.clear();
    re = new RegExp(`uses:\\s*["']?${owner.replace(/[^A-Za-z0-9-]/g, "")}/`, "i");
    ownerUses.set(owner, re);
  }
  return re;
}

/** The warnings extractJobs() gives for a file with nothing to extract, with the same budget use. */
export function inertJobs(fs: FileState): void {
  const { y } = fs;
  for (const job of mapEntries(y, mapGet(y, y.root, "jobs"))) {
    if (!job.value || !isMap(job.value)) continue;
    const m = expandMatrix(y, mapGet(y, mapGet(y, job.value, "strategy"), "matrix"));
    const combos = m.combos === null || m.combos === "unknown" ? 1 : m.combos.length;
    if (m.truncatedFrom !== undefined) {
      const span = nodeSpan(y, mapGet(y, job.value, "strategy"));
      fs.warnings.push({
        path: y.path,
        message: `job ${job.key}: matrix has ${m.truncatedFrom} combinations; only the first ${MAX_COMBINATIONS} were analysed`,
        line: span.line,
        column: span.column,
      });
    }
    const steps = seqItems(y, mapGet(y, job.value, "steps")).length;
    for (let c = 0; c < combos; c++) {
      for (let i = 0; i < steps; i++) {
        if (fs.budget.steps-- <= 0) {
          warnOnce(fs, "steps", "too many steps in this file; the rest were not analysed");
          return;
        }
      }
      if (fs.budget.steps <= 0) return;
    }
  }
}
