/**
 * Most workflows build no image and run no container: test, lint and release jobs. Every build and
 * consumer extraction finds starts at a word these files never contain (a `docker/…` action, a
 * `docker`/`podman`/`buildctl` command, `container:`/`services:`, `docker://`), so such a file needs
 * only what extraction would report regardless: capped matrices and the step budget.
 */
import { isMap } from "yaml";
import { expandMatrix, MAX_COMBINATIONS } from "./matrix";
import { warnOnce, type FileState } from "./model";
import { nodeSpan } from "./values";
import { mapEntries, mapGet, seqItems } from "./yaml-doc";

/** Case-insensitive like dockerAction(); a superset of what runStep() looks for in a script. */
const RELEVANT_RE = /docker|buildctl|podman|container|services/i;

export function mayDefineBuilds(text: string): boolean {
  return RELEVANT_RE.test(text);
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
