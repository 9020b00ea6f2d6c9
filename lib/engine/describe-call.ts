import { displayPath } from "./paths";
import type { CallSite } from "./types";

/** `uses action ./.github/actions/build in step 2 of job "build"`: one hop of a finding's call chain, in words. */
export function describeCall(c: CallSite): string {
  const what = { "composite-action": "uses action", "reusable-workflow": "calls workflow", script: "runs script", make: "runs" }[c.kind];
  const step = c.stepName ? `step "${c.stepName}"` : c.stepIndex !== undefined ? `step ${c.stepIndex + 1}` : "";
  return `${what} ${displayPath(c.target)}${step ? ` in ${step} of` : " in"} job "${c.job}"`;
}
