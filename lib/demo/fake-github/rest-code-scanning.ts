import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import type { components } from "@octokit/openapi-types";
import type { FixtureRepo } from "./fixture";
import { hasScope, isMember, isoNow, notFound, readBody, send, sendError, type Ctx } from "./http";
import { findRepo } from "./rest-repos";
import { sarifErrors, sarifValidator } from "./sarif-schema";

/**
 * Code scanning's SARIF upload as GitHub answers it: `POST /repos/{o}/{r}/code-scanning/sarifs`
 * takes gzip + Base64 SARIF for a commit and a full ref, answers 202 with the upload's id and status
 * URL, and `GET …/sarifs/{id}` tells its processing status. The SARIF is held against the OASIS
 * 2.1.0 schema; uploads are kept in memory (`FakeGitHub.sarifUploads()`) so tests can read them back.
 *
 * Who may upload: a token of someone with write access whose classic scopes include
 * `security_events` (which `repo` holds), or `public_repo` for a public repository; a private
 * repository also needs GitHub Advanced Security (fixture `advanced_security: false` turns it off).
 * Not modelled: the commit must exist (GitHub processes the upload later and fails it), analyses.
 */

const DOCS = {
  upload: "https://docs.github.com/rest/code-scanning/code-scanning#upload-an-analysis-as-sarif-data",
  status: "https://docs.github.com/rest/code-scanning/code-scanning#get-information-about-a-sarif-upload",
};

/** GitHub's limits on one upload (the description's table); over them the upload is accepted and its processing fails. */
export const SARIF_LIMITS = { compressedBytes: 10 * 1024 * 1024, runs: 20, resultsPerRun: 25_000, rulesPerRun: 25_000, locationsPerResult: 1_000 };

export interface SarifUpload {
  id: string;
  /** owner/name as the fixture spells it */
  repo: string;
  commitSha: string;
  ref: string;
  /** the decoded SARIF log */
  sarif: unknown;
  checkoutUri: string | null;
  startedAt: string | null;
  toolName: string | null;
  /** who uploaded (the token's login) */
  user: string;
  receivedAt: string;
  processingStatus: "complete" | "failed";
  errors: string[];
}

const KEYS = new Set(["commit_sha", "ref", "sarif", "checkout_uri", "started_at", "tool_name", "validate"]);
const COMMIT_SHA = /^([0-9a-fA-F]{40}(?:[0-9a-fA-F]{24})?)$/;
const REF_FULL = /^refs\/(heads|tags|pull)\/.*$/;

/** Messages in the words GitHub's request-schema check uses ("Invalid request.\n\n…"), or none. */
function requestProblems(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const k of Object.keys(body)) if (!KEYS.has(k)) out.push(`"${k}" is not a permitted key.`);
  for (const k of ["commit_sha", "ref", "sarif"]) if (!(k in body)) out.push(`"${k}" wasn't supplied.`);
  for (const k of ["commit_sha", "ref", "sarif", "checkout_uri", "started_at", "tool_name"]) {
    if (k in body && typeof body[k] !== "string") out.push(`For 'properties/${k}', ${JSON.stringify(body[k])} is not a string.`);
  }
  if ("validate" in body && typeof body.validate !== "boolean") out.push(`For 'properties/validate', ${JSON.stringify(body.validate)} is not a boolean.`);
  const sha = body.commit_sha;
  if (typeof sha === "string") {
    if (sha.length < 40) out.push(`At least 40 characters are required; only ${sha.length} were supplied.`);
    else if (sha.length > 64) out.push(`Only 64 characters are allowed; ${sha.length} were supplied.`);
    if (!COMMIT_SHA.test(sha)) out.push(`${sha} does not match ${COMMIT_SHA.toString()}.`);
  }
  if (typeof body.ref === "string" && !REF_FULL.test(body.ref)) out.push(`${body.ref} does not match ${REF_FULL.toString()}.`);
  if (typeof body.started_at === "string" && Number.isNaN(Date.parse(body.started_at))) out.push(`${body.started_at} is not a valid date-time.`);
  return out;
}

/** What processing finds over GitHub's limits (the upload itself is accepted). */
function processingErrors(log: { runs?: Array<{ results?: Array<{ locations?: unknown[] }>; tool?: { driver?: { rules?: unknown[] } } }> }): string[] {
  const runs = log.runs ?? [];
  const out: string[] = [];
  if (runs.length > SARIF_LIMITS.runs) out.push(`SARIF file has too many runs: ${runs.length} (at most ${SARIF_LIMITS.runs})`);
  runs.forEach((run, i) => {
    const results = run.results ?? [];
    if (results.length > SARIF_LIMITS.resultsPerRun) out.push(`run ${i} has too many results: ${results.length} (at most ${SARIF_LIMITS.resultsPerRun})`);
    const rules = run.tool?.driver?.rules ?? [];
    if (rules.length > SARIF_LIMITS.rulesPerRun) out.push(`run ${i} has too many rules: ${rules.length} (at most ${SARIF_LIMITS.rulesPerRun})`);
    if (results.some((r) => (r.locations ?? []).length > SARIF_LIMITS.locationsPerResult)) out.push(`run ${i} has a result with more than ${SARIF_LIMITS.locationsPerResult} locations`);
  });
  return out;
}

/** 401 without a token, 404 for a repository it cannot see, 403 when it may not use code scanning there; else the repository. */
function codeScanningTarget(ctx: Ctx, owner: string, name: string, docs: string, write: boolean): FixtureRepo | null {
  if (!ctx.identity) {
    sendError(ctx, 401, "Requires authentication", docs);
    return null;
  }
  const repo = findRepo(ctx, owner, name);
  if (!repo) {
    notFound(ctx, docs);
    return null;
  }
  const scoped = hasScope(ctx.identity, "security_events") || (!repo.isPrivate && hasScope(ctx.identity, "public_repo"));
  if (!scoped || (write && !isMember(ctx.fixture, ctx.identity.user.login, ctx.state))) {
    sendError(ctx, 403, "Resource not accessible by personal access token", docs);
    return null;
  }
  if (write && repo.archived) {
    sendError(ctx, 403, "Repository was archived so is read-only.", docs);
    return null;
  }
  if (repo.isPrivate && !repo.advancedSecurity) {
    sendError(ctx, 403, "Advanced Security must be enabled for this repository to use code scanning.", docs);
    return null;
  }
  return repo;
}

export async function uploadSarif(ctx: Ctx, [owner, name]: string[]): Promise<void> {
  const repo = codeScanningTarget(ctx, owner, name, DOCS.upload, true);
  if (!repo) return;
  let text: string;
  try {
    // Base64 of 10 MB of gzip, and the JSON around it
    text = ctx.body ?? (await readBody(ctx.req, Math.ceil(SARIF_LIMITS.compressedBytes * 1.4) + 64 * 1024));
  } catch {
    return sendError(ctx, 413, `Payload Too Large: the gzip-compressed SARIF may be ${SARIF_LIMITS.compressedBytes / 1024 / 1024} MB at most`, DOCS.upload);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return sendError(ctx, 400, "Problems parsing JSON", DOCS.upload);
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return sendError(ctx, 400, "Problems parsing JSON", DOCS.upload);
  const b = body as Record<string, unknown>;
  const problems = requestProblems(b);
  if (problems.length > 0) return sendError(ctx, 422, `Invalid request.\n\n${problems.join("\n")}`, DOCS.upload);

  const encoded = (b.sarif as string).replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 === 1) return sendError(ctx, 400, "Invalid SARIF: the sarif field is not Base64.", DOCS.upload);
  const gz = Buffer.from(encoded, "base64");
  if (gz.length > SARIF_LIMITS.compressedBytes) return sendError(ctx, 413, `Payload Too Large: the gzip-compressed SARIF is ${gz.length} bytes, at most ${SARIF_LIMITS.compressedBytes}`, DOCS.upload);
  let raw: Buffer;
  try {
    raw = gunzipSync(gz, { maxOutputLength: 200 * 1024 * 1024 });
  } catch (e) {
    return sendError(ctx, 400, `Invalid SARIF: the sarif field is not gzip-compressed data (${(e as Error).message}).`, DOCS.upload);
  }
  let log: unknown;
  try {
    log = JSON.parse(raw.toString("utf8"));
  } catch (e) {
    return sendError(ctx, 400, `Invalid SARIF. JSON syntax error: ${(e as Error).message}`, DOCS.upload);
  }
  const validate = sarifValidator();
  if (!validate(log)) return sendError(ctx, 400, `Invalid SARIF:\n${sarifErrors(validate.errors).map((m) => `- ${m}`).join("\n")}`, DOCS.upload);
  if ((log as { version?: unknown }).version !== "2.1.0") return sendError(ctx, 400, "Invalid SARIF: only SARIF version 2.1.0 is supported.", DOCS.upload);

  const errors = processingErrors(log as Parameters<typeof processingErrors>[0]);
  const upload: SarifUpload = {
    id: randomUUID(), repo: `${ctx.fixture.org.login}/${repo.name}`, commitSha: b.commit_sha as string, ref: b.ref as string, sarif: log,
    checkoutUri: typeof b.checkout_uri === "string" ? b.checkout_uri : null, startedAt: typeof b.started_at === "string" ? b.started_at : null,
    toolName: typeof b.tool_name === "string" ? b.tool_name : null, user: ctx.identity!.user.login, receivedAt: isoNow(),
    processingStatus: errors.length > 0 ? "failed" : "complete", errors,
  };
  ctx.state.sarifs.push(upload);
  const receipt: components["schemas"]["code-scanning-sarifs-receipt"] = { id: upload.id, url: `${ctx.base}/repos/${upload.repo}/code-scanning/sarifs/${upload.id}` };
  send(ctx, 202, receipt);
}

export function getSarif(ctx: Ctx, [owner, name, id]: string[]): void {
  const repo = codeScanningTarget(ctx, owner, name, DOCS.status, false);
  if (!repo) return;
  const full = `${ctx.fixture.org.login}/${repo.name}`;
  const upload = ctx.state.sarifs.find((u) => u.id === id && u.repo === full);
  if (!upload) return notFound(ctx, DOCS.status);
  const status: components["schemas"]["code-scanning-sarifs-status"] = {
    processing_status: upload.processingStatus,
    analyses_url: upload.processingStatus === "complete" ? `${ctx.base}/repos/${full}/code-scanning/analyses?sarif_id=${upload.id}` : null,
    errors: upload.processingStatus === "failed" ? upload.errors : null,
  };
  send(ctx, 200, status);
}
