/**
 * What a job sets up for the builds after it: the BuildKit and buildx versions its builder is pinned
 * to, whether the Actions runtime token reaches `run:` steps, and whether it checked out pull-request
 * code. Read from the steps in order; each change makes a new JobTools, so a build keeps the state it
 * ran with.
 */
import type { JobTools, Span } from "../types";
import { nodeSpan } from "./values";
import { mapGet, scalarInfo, type YamlDoc } from "./yaml-doc";

export const NO_TOOLS: JobTools = Object.freeze({}) as JobTools;

/** The job's current tools, shared by the job's steps and the composite actions it runs. */
export interface ToolsHolder {
  now: JobTools;
}

export function newTools(): ToolsHolder {
  return { now: NO_TOOLS };
}

/** `moby/buildkit:v0.19.0`, `moby/buildkit:0.12.5-rootless` → "0.19.0"; other tags (latest, buildx-stable-1) say nothing. */
const BUILDKIT_IMAGE_RE = /(?:^|[\s,="'])(?:(?:docker\.io\/)?moby\/buildkit):v?(\d+\.\d+(?:\.\d+)?)(?:-[\w.]+)?(?=$|[\s,"'])/m;
const VERSION_RE = /^v?(\d+\.\d+(?:\.\d+)?)$/;
/** A checkout of code a pull request brings (its head, not the base branch). */
const PR_REF_RE = /pull_request\.head\.(?:sha|ref|repo)|github\.head_ref|refs\/pull\/|workflow_run\.head_(?:sha|branch|repository)|event\.issue\.number|issue\.pull_request/i;
const PR_RUN_RE = /\bgh\s+pr\s+checkout\b|\bgit\s+fetch\b[^\n]*\bpull\/|\brefs\/pull\//;
const RUNTIME_EXPORT_RE = /ACTIONS_RUNTIME_TOKEN/;

/** The version of a `x.y[.z]` text, comparable as numbers. */
export function versionParts(v: string): number[] {
  return v.split(".").map((p) => Number(p));
}

/** true when version `v` is below `min` (both `x.y[.z]`). */
export function versionBelow(v: string, min: string): boolean {
  const a = versionParts(v);
  const b = versionParts(min);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}

function buildkitIn(text: string): string | null {
  const m = BUILDKIT_IMAGE_RE.exec(text);
  return m ? m[1] : null;
}

function withText(y: YamlDoc, withNode: unknown, key: string): { text: string; span: Span } | null {
  const node = mapGet(y, withNode, key);
  const info = scalarInfo(y, node);
  return info ? { text: info.value, span: nodeSpan(y, node) } : null;
}

/** Update the job's tools after a `uses:` step. */
export function toolsAfterUses(holder: ToolsHolder, y: YamlDoc, uses: string, withNode: unknown): void {
  const name = uses.trim().toLowerCase().split("@")[0];
  const now = holder.now;
  if (name === "docker/setup-buildx-action") {
    // a new builder: what an earlier setup pinned no longer applies
    const next: JobTools = { ...now };
    delete next.buildkit;
    delete next.buildx;
    const opts = withText(y, withNode, "driver-opts");
    const bk = opts ? buildkitIn(opts.text) : null;
    if (bk && opts) next.buildkit = { version: bk, span: opts.span };
    const version = withText(y, withNode, "version");
    const bx = version ? VERSION_RE.exec(version.text.trim()) : null;
    if (bx && version) next.buildx = { version: bx[1], span: version.span };
    holder.now = next;
  } else if (name === "crazy-max/ghaction-github-runtime") {
    if (!now.ghaRuntime) holder.now = { ...now, ghaRuntime: true };
  } else if (name === "actions/github-script") {
    const script = withText(y, withNode, "script");
    if (script && RUNTIME_EXPORT_RE.test(script.text) && !now.ghaRuntime) holder.now = { ...now, ghaRuntime: true };
  } else if (name === "actions/checkout") {
    const ref = withText(y, withNode, "ref");
    const repo = withText(y, withNode, "repository");
    const pr = [ref, repo].find((x) => x && PR_REF_RE.test(x.text));
    if (pr && !now.prCheckout) holder.now = { ...now, prCheckout: pr.span };
  }
}

/** Update the job's tools after a `run:` step (a builder it creates, a token it exports, a PR it checks out). */
export function toolsAfterRun(holder: ToolsHolder, script: string, span: Span): void {
  const now = holder.now;
  let next: JobTools | null = null;
  if (/\bbuildx\s+create\b/.test(script)) {
    const bk = buildkitIn(script);
    if (bk) next = { ...(next ?? now), buildkit: { version: bk, span } };
  }
  if (RUNTIME_EXPORT_RE.test(script) && /GITHUB_ENV/.test(script) && !now.ghaRuntime) next = { ...(next ?? now), ghaRuntime: true };
  if (PR_RUN_RE.test(script) && !now.prCheckout) next = { ...(next ?? now), prCheckout: span };
  if (next) holder.now = next;
}
