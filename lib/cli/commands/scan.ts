import type { CliIo } from "@/lib/cli/io";
import { sarifFingerprint } from "@/lib/engine/fingerprint";
import { tuneHeapForScans } from "../../server/scan/heap";
import { DEFAULT_DATABASE_URL, createDb } from "@/lib/server/db";
import { databaseLabel } from "@/lib/server/dialect";
import { ensureDatabase } from "@/lib/server/migrate";
import { ScanAlreadyRunningError, type ScanFinding, type ScanProgress, type ScanSummary, runScan } from "@/lib/server/scan";
import { coverageText } from "@/lib/server/scan/coverage";
import { type Queue, queueForScans } from "@/lib/server/queue/boss";
import { enqueueScan } from "@/lib/server/queue/enqueue";
import { waitForScan } from "@/lib/server/queue/wait";
import { openWhere } from "@/lib/server/suppressions";
import type { Db } from "@/lib/server/db";
import { githubAppFromEnv, ghcrTokenProblem } from "@/lib/server/env";
import type { AppAuthOptions } from "@/lib/github/app-auth";
import { type OtherRegistriesConfig, otherRegistriesFromEnv } from "@/lib/registry/credentials";


const USAGE =
  "usage: cacheguard scan [--org ORG] [--api-url URL] [--registry-url URL] [--format text|json]\n" +
  "                       [--app-id ID --app-private-key-file FILE [--app-installation-id N]]\n" +
  "  token from GITHUB_TOKEN, or a GitHub App from GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY(_FILE)\n" +
  "  [+ GITHUB_APP_INSTALLATION_ID]; the registry with GHCR_TOKEN (a classic PAT) when set;\n" +
  "  other registries with CACHEGUARD_REGISTRIES, DOCKERHUB_USERNAME + DOCKERHUB_TOKEN, CACHEGUARD_DOCKER_CONFIG;\n" +
  "  --org defaults to CACHEGUARD_ORG, or the one org of CACHEGUARD_ORGS (required when it lists several);\n" +
  "  database from DATABASE_URL (default file:./data/cacheguard.db)\n";

interface ScanArgs {
  org: string;
  apiUrl: string;
  registryUrl: string;
  format: "text" | "json";
  app?: AppAuthOptions;
  registries: OtherRegistriesConfig;
}

/** `--name value` / `--name=value` flags; returns an error string on bad usage. */
export function parseFlags(argv: string[], known: string[]): { flags: Record<string, string>; positional: string[] } | string {
  const flags: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (name === "help") return "help";
    if (!known.includes(name)) return `unknown option --${name}`;
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined || value === "") return `--${name} needs a value`;
    flags[name] = value;
  }
  return { flags, positional };
}

function parseArgs(argv: string[], env: Record<string, string | undefined>): ScanArgs | string {
  const parsed = parseFlags(argv, ["org", "api-url", "registry-url", "format", "app-id", "app-private-key-file", "app-installation-id"]);
  if (typeof parsed === "string") return parsed;
  const { flags, positional } = parsed;
  if (positional.length > 0) return `unexpected argument "${positional[0]}"`;
  // several orgs configured: one report per run, so the org is named (a script loops over them)
  const listed = [...new Set((env.CACHEGUARD_ORGS ?? "").split(",").map((o) => o.trim()).filter(Boolean))];
  const org = flags.org ?? (listed.length > 1 ? undefined : listed[0] ?? env.CACHEGUARD_ORG);
  if (!org) return listed.length > 1 ? `several organizations are configured (CACHEGUARD_ORGS=${listed.join(",")}): name one with --org` : "--org is required";
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(org)) return `"${org}" is not a valid organization login`;
  const format = flags.format ?? "text";
  if (format !== "text" && format !== "json") return `--format must be text or json (got "${format}")`;
  const apiUrl = flags["api-url"] ?? env.GITHUB_API_URL ?? "https://api.github.com";
  const registryUrl = flags["registry-url"] ?? env.GHCR_URL ?? "https://ghcr.io";
  for (const [name, u] of [["api-url", apiUrl], ["registry-url", registryUrl]]) {
    if (!/^https?:\/\/[^\s]+$/.test(u)) return `--${name} must be an http(s) URL (got "${u}")`;
  }
  // the App's flags stand for their variables (the key only as a file: a key on the command line would be in `ps`)
  const fromFlags = flags["app-id"] !== undefined || flags["app-private-key-file"] !== undefined || flags["app-installation-id"] !== undefined;
  const app = githubAppFromEnv(fromFlags
    ? { GITHUB_APP_ID: flags["app-id"] ?? env.GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY_FILE: flags["app-private-key-file"] ?? env.GITHUB_APP_PRIVATE_KEY_FILE,
      GITHUB_APP_PRIVATE_KEY: flags["app-private-key-file"] ? undefined : env.GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID: flags["app-installation-id"] ?? env.GITHUB_APP_INSTALLATION_ID }
    : { GITHUB_APP_ID: env.GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY: env.GITHUB_APP_PRIVATE_KEY, GITHUB_APP_PRIVATE_KEY_FILE: env.GITHUB_APP_PRIVATE_KEY_FILE, GITHUB_APP_INSTALLATION_ID: env.GITHUB_APP_INSTALLATION_ID });
  if ("problem" in app) return app.problem;
  const ghcr = ghcrTokenProblem(env.GHCR_TOKEN);
  if (ghcr) return ghcr;
  const registries = otherRegistriesFromEnv(env);
  if ("problem" in registries) return registries.problem;
  // GITHUB_APP_INSTALLATION_ID is the default (first) org's installation; another org's is found by org
  const installation = app.app && listed.length > 1 && org.toLowerCase() !== listed[0].toLowerCase() && !flags["app-installation-id"] ? { ...app.app, installationId: undefined } : app.app;
  return { org, apiUrl, registryUrl, format, registries, ...(installation ? { app: { ...installation, org } } : {}) };
}

/** The `auth:` line: what the scan authenticated as, and what read the registry. */
function authLine(s: ScanSummary): string | null {
  const a = s.auth;
  if (!a) return null;
  const who = a.kind === "app" ? `GitHub App (installation ${a.installationId ?? "?"})` : a.kind === "token" ? "token (GITHUB_TOKEN)" : "none (public data only)";
  const registry = { "ghcr-token": "GHCR_TOKEN", "github-token": "the same token", anonymous: "anonymous (public packages only)", "not-read": "not read (no GHCR_TOKEN)" }[a.registry];
  return `  auth: ${who}; registry: ${registry}`;
}

function jsonFinding(f: ScanFinding) {
  return {
    ruleId: f.ruleId, severity: f.severity, confidence: f.confidence, repo: f.repo ?? null, path: f.path,
    line: f.line, column: f.column, ref: f.ref, message: f.message, fingerprint: sarifFingerprint(f),
    ...(f.fix ? { fix: { description: f.fix.description, diff: f.fix.diff } } : {}),
  };
}

const ORDER = { error: 0, warning: 1, note: 2 } as const;

function textReport(s: ScanSummary): string {
  const lines: string[] = [];
  const missed = s.coverage ? s.coverage.files - s.coverage.analysed : 0;
  lines.push(`Scan #${s.scanId} of ${s.org}: ${s.status}${missed > 0 ? `, ${missed} file${missed === 1 ? "" : "s"} not analysed` : ""}`);
  const auth = authLine(s);
  if (auth) lines.push(auth);
  lines.push(`  repos: ${s.repos} (${s.reposFetched} read, ${s.reposSkipped} unchanged), packages: ${s.auth?.registry === "not-read" ? "not read" : s.packages}`);
  lines.push(`  requests: ${s.requests.rest} REST, ${s.requests.graphql} GraphQL, ${s.requests.registry} registry`);
  lines.push(`  findings: ${s.openCount} open, ${s.newCount} new, ${s.resolvedCount} resolved${s.suppressed.length ? `, ${s.suppressed.length} suppressed (not counted)` : ""}`);
  for (const r of s.registries ?? []) {
    const who = r.credential === "anonymous" ? "anonymous" : r.credential;
    lines.push(`  registry ${r.host}: ${r.read} of ${r.tags} tag${r.tags === 1 ? "" : "s"} read (${who})${r.notRead > 0 ? `, ${r.notRead} not read` : ""}`);
  }
  if (s.coverage) lines.push(`  coverage: ${coverageText(s.coverage)}${s.coverage.partly > 0 ? ` (${s.coverage.partly} analysis note${s.coverage.partly === 1 ? "" : "s"})` : ""}`);
  for (const e of s.repoErrors) lines.push(`  ! ${e.repo}: ${e.message}`);
  // files not analysed, and why: findings in them are not in this report
  for (const m of s.coverage?.notAnalysed ?? []) lines.push(`  ~ ${m.repo}: ${m.path}${m.line !== undefined ? `:${m.line}` : ""}: ${m.message}`);
  const sorted = [...s.findings].sort(
    (a, b) => ORDER[a.severity] - ORDER[b.severity] || (a.repo ?? "").localeCompare(b.repo ?? "") || a.path.localeCompare(b.path) || a.line - b.line,
  );
  for (const f of sorted) {
    const where = f.line > 0 ? `${f.path}:${f.line}:${f.column}` : f.path;
    lines.push("");
    lines.push(`${f.severity.padEnd(7)} ${f.ruleId}${f.isNew ? " (new)" : ""}  ${f.repo ? `${f.repo} ` : ""}${where}`);
    lines.push(`  ${f.message}`);
    if (f.fix) lines.push(`  fix: ${f.fix.description}`);
  }
  return `${lines.join("\n")}\n`;
}

function progressLine(p: ScanProgress): string {
  const repoPhase = p.phase === "workflows" || p.phase === "bake-files" || p.phase === "workflows+packages";
  const repos = repoPhase && p.reposTotal > 0 ? ` ${p.reposDone}/${p.reposTotal} repos` : "";
  return `[scan #${p.scanId}] ${p.phase}${repos}${p.message ? ` - ${p.message}` : ""}\n`;
}

export async function run(argv: string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const args = parseArgs(argv, env);
  if (args === "help") {
    io.stdout(USAGE);
    return 0;
  }
  if (typeof args === "string") {
    io.stderr(`cacheguard scan: ${args}\n${USAGE}`);
    return 2;
  }
  tuneHeapForScans();
  const url = env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  try {
    await ensureDatabase(url);
  } catch (e) {
    io.stderr(`cacheguard scan: cannot prepare the database ${databaseLabel(url)}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const db = createDb(url);
  let lastLine = "";
  try {
    // with a job queue, the workers run it (their own credentials); this command follows it to its end
    const queue = await queueForScans(env);
    if (queue) {
      try {
        return await followQueuedScan(db, queue, args, io);
      } finally {
        await queue.stop();
      }
    }
    const summary = await runScan(db, {
      trigger: "cli",
      config: {
        org: args.org, apiUrl: args.apiUrl, registryUrl: args.registryUrl, token: env.GITHUB_TOKEN || undefined,
        ...(args.app ? { app: args.app } : {}), ...(env.GHCR_TOKEN ? { registryToken: env.GHCR_TOKEN } : {}),
        teamProperty: env.CACHEGUARD_TEAM_PROPERTY || undefined,
        registries: args.registries,
      },
      onProgress: (p) => {
        if (args.format !== "text") return;
        const line = progressLine(p);
        if (line !== lastLine) io.stderr(line);
        lastLine = line;
      },
    });
    if (args.format === "json") {
      io.stdout(`${JSON.stringify({
        scan: { id: summary.scanId, status: summary.status, repos: summary.repos, requests: summary.requests,
          ...(summary.auth ? { auth: summary.auth } : {}),
          ...(summary.registries ? { registries: summary.registries } : {}),
          ...(summary.error ? { error: summary.error } : {}), errors: summary.repoErrors, warnings: summary.warnings,
          ...(summary.coverage ? { coverage: summary.coverage } : {}) },
        findings: summary.findings.map(jsonFinding),
        suppressed: summary.suppressed.map((f) => ({ ...jsonFinding(f), suppressed: f.suppressed })),
        new: summary.newCount,
        resolved: summary.resolvedCount,
      }, null, 2)}\n`);
    } else {
      io.stdout(textReport(summary));
    }
    if (summary.status === "failed") {
      io.stderr(`cacheguard scan: scan #${summary.scanId} of ${args.org} failed: ${summary.error}\n`);
      return 2;
    }
    return summary.findings.some((f) => f.severity === "error") ? 1 : 0;
  } catch (e) {
    if (e instanceof ScanAlreadyRunningError) {
      io.stderr(`cacheguard scan: ${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    await db.$disconnect();
  }
}

/** `cacheguard scan` with a job queue: enqueue, follow the Scan row, and report what the workers stored. */
async function followQueuedScan(db: Db, queue: Queue, args: ScanArgs, io: CliIo): Promise<number> {
  const { scanId } = await enqueueScan(db, queue, { config: { org: args.org, apiUrl: args.apiUrl, registryUrl: args.registryUrl }, trigger: "cli" });
  let lastLine = "";
  const s = await waitForScan(db, scanId, (p) => {
    if (args.format !== "text") return;
    const line = progressLine(p);
    if (line !== lastLine) io.stderr(line);
    lastLine = line;
  });
  const errors = await db.finding.count({ where: { orgId: s.orgId, severity: "error", ...openWhere() } });
  const requests = { rest: s.restRequests, graphql: s.graphqlRequests, registry: s.registryRequests };
  if (args.format === "json") {
    io.stdout(`${JSON.stringify({ scan: { id: s.id, status: s.status, repos: s.reposTotal, requests, queued: true, ...(s.error ? { error: s.error } : {}) },
      open: s.openCount, new: s.newCount, resolved: s.resolvedCount }, null, 2)}\n`);
  } else {
    io.stdout(`Scan #${s.id} of ${args.org}: ${s.status} (run by the queue's workers)\n  repos: ${s.reposTotal} (${s.reposSkipped} unchanged)\n` +
      `  requests: ${requests.rest} REST, ${requests.graphql} GraphQL, ${requests.registry} registry\n` +
      `  findings: ${s.openCount} open, ${s.newCount} new, ${s.resolvedCount} resolved (the dashboard lists them)\n`);
  }
  if (s.status === "failed" || s.status === "interrupted") {
    io.stderr(`cacheguard scan: scan #${s.id} of ${args.org} ${s.status}: ${s.error ?? ""}\n`);
    return 2;
  }
  return errors > 0 ? 1 : 0;
}
