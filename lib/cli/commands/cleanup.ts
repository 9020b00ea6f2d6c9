/**
 * `cacheguard cleanup --org ORG [--package NAME] [--older-than 30d] [--keep-last N] --plan|--apply`:
 * the GHCR versions that are safe to delete, and why (lib/server/storage/plan.ts); with --apply,
 * deleted one request at a time. Exit 0 when every package was planned (and, with --apply, every
 * planned version deleted), 1 when a package could not be planned or a delete failed, 2 on bad usage
 * or without a stored scan.
 */
import type { CliIo } from "@/lib/cli/io";
import { createGitHub, newStats } from "@/lib/github/client";
import { createLimiter } from "@/lib/github/limiter";
import { redact } from "@/lib/github/redact";
import { createRegistryClient } from "@/lib/registry/client";
import { DEFAULT_DATABASE_URL, createDb } from "@/lib/server/db";
import { ghcrTokenProblem } from "@/lib/server/env";
import { databaseLabel } from "@/lib/server/dialect";
import { ensureDatabase } from "@/lib/server/migrate";
import { DEFAULT_REGISTRY_CONCURRENCY } from "@/lib/server/scan/packages";
import { CleanupError, type CleanupResult, runCleanup } from "@/lib/server/storage/cleanup";
import { parseDuration } from "@/lib/server/storage/plan";
import { cleanupJson, cleanupText } from "./cleanup-report";
import { parseFlags } from "./scan";

export const CLEANUP_USAGE = `usage: cacheguard cleanup --org ORG [--package NAME] [--older-than 30d] [--keep-last N] --plan|--apply
                         [--api-url URL] [--registry-url URL] [--format text|json]

List the GHCR package versions that are safe to delete, and why (--plan), or delete them (--apply).
Never planned: a tagged version, a manifest a tagged index lists (platform images, attestations), a
version a cosign tag (sha256-<digest>.sig/.att/.sbom) names, or a signature or attestation of a kept
image. --older-than keeps versions created or updated within that time (h, d, w); --keep-last keeps
the N newest untagged cache exports of each package. Works on the packages the last stored scan
found (cacheguard scan, same DATABASE_URL); reads each one's versions whole first.

  token from GHCR_TOKEN, else GITHUB_TOKEN: a personal access token (classic) with read:packages,
  and delete:packages for --apply; database from DATABASE_URL (default file:./data/cacheguard.db);
  deletes are sent one at a time, CACHEGUARD_DELETE_INTERVAL_MS apart (default 1000, as GitHub asks)

Exit status: 0 when everything was planned (and deleted), 1 when a package could not be planned or a
delete failed, 2 on bad usage.
`;

interface Args {
  org: string; package?: string; olderThanMs?: number; olderThan?: string; keepLast?: number; apply: boolean;
  apiUrl: string; registryUrl: string; format: "text" | "json";
}

function parseArgs(argv: string[], env: Record<string, string | undefined>): Args | string {
  const modes = argv.filter((a) => a === "--plan" || a === "--apply");
  const parsed = parseFlags(argv.filter((a) => a !== "--plan" && a !== "--apply"), ["org", "package", "older-than", "keep-last", "api-url", "registry-url", "format"]);
  if (typeof parsed === "string") return parsed;
  const { flags, positional } = parsed;
  if (positional.length > 0) return `unexpected argument "${positional[0]}"`;
  if (new Set(modes).size !== 1) return modes.length === 0 ? "say --plan (list what is safe to delete) or --apply (delete it)" : "--plan and --apply exclude each other";
  const org = flags.org ?? env.CACHEGUARD_ORG;
  if (!org) return "--org is required";
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(org)) return `"${org}" is not a valid organization login`;
  if (flags.package !== undefined && !/^[a-z0-9][a-z0-9._/-]{0,99}$/i.test(flags.package)) return `"${flags.package}" is not a package name`;
  let olderThanMs: number | undefined;
  if (flags["older-than"] !== undefined) {
    const ms = parseDuration(flags["older-than"]);
    if (ms === null) return `--older-than takes a duration such as 30d, 12h or 2w (got "${flags["older-than"]}")`;
    olderThanMs = ms;
  }
  let keepLast: number | undefined;
  if (flags["keep-last"] !== undefined) {
    if (!/^\d{1,6}$/.test(flags["keep-last"])) return `--keep-last takes a whole number (got "${flags["keep-last"]}")`;
    keepLast = Number(flags["keep-last"]);
  }
  const format = flags.format ?? "text";
  if (format !== "text" && format !== "json") return `--format must be text or json (got "${format}")`;
  const apiUrl = flags["api-url"] ?? env.GITHUB_API_URL ?? "https://api.github.com";
  const registryUrl = flags["registry-url"] ?? env.GHCR_URL ?? "https://ghcr.io";
  for (const [name, u] of [["api-url", apiUrl], ["registry-url", registryUrl]]) {
    if (!/^https?:\/\/\S+$/.test(u)) return `--${name} must be an http(s) URL (got "${u}")`;
  }
  return {
    org, apply: modes[0] === "--apply", apiUrl, registryUrl, format,
    ...(flags.package ? { package: flags.package } : {}),
    ...(olderThanMs !== undefined ? { olderThanMs, olderThan: flags["older-than"] } : {}),
    ...(keepLast !== undefined ? { keepLast } : {}),
  };
}

/** 0: all planned (and deleted); 1: a package refused, a delete failed or stopped. */
export function exitCode(r: CleanupResult): number {
  if (r.packages.some((p) => p.status === "refused")) return 1;
  if (r.mode === "apply" && (r.stopped || r.totals.failed > 0)) return 1;
  return 0;
}

export async function run(argv: string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const args = parseArgs(argv, env);
  if (args === "help") {
    io.stdout(CLEANUP_USAGE);
    return 0;
  }
  const bad = (m: string) => {
    io.stderr(`cacheguard cleanup: ${m}\n\n${CLEANUP_USAGE}`);
    return 2;
  };
  if (typeof args === "string") return bad(args);
  const ghcr = ghcrTokenProblem(env.GHCR_TOKEN);
  if (ghcr) return bad(ghcr);
  const token = env.GHCR_TOKEN || env.GITHUB_TOKEN || undefined;
  if (!token) {
    return bad(`no token: set GHCR_TOKEN or GITHUB_TOKEN to a personal access token (classic) with read:packages${args.apply ? " and delete:packages" : ""} (GitHub's Packages API takes no GitHub App token)`);
  }
  const url = env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  try {
    await ensureDatabase(url);
  } catch (e) {
    io.stderr(`cacheguard cleanup: cannot prepare the database ${databaseLabel(url)}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const db = createDb(url);
  const stats = newStats();
  try {
    const gh = createGitHub({ apiUrl: args.apiUrl, token, warn: (m) => io.stderr(`${m}\n`) }, stats);
    // the registry has its own limit, as in a scan: reading thousands of untagged manifests is the registry's work
    const registry = createRegistryClient({ registryUrl: args.registryUrl, token, stats, limiter: createLimiter(DEFAULT_REGISTRY_CONCURRENCY) });
    const interval = env.CACHEGUARD_DELETE_INTERVAL_MS;
    const result = await runCleanup(db, gh, registry, {
      org: args.org, apply: args.apply,
      ...(interval !== undefined && /^\d+$/.test(interval) ? { deleteIntervalMs: Number(interval) } : {}),
      ...(args.package ? { package: args.package } : {}),
      ...(args.olderThanMs !== undefined ? { olderThanMs: args.olderThanMs } : {}),
      ...(args.keepLast !== undefined ? { keepLast: args.keepLast } : {}),
      ...(args.format === "text" ? { progress: (line: string) => io.stderr(`[cleanup] ${line}\n`) } : {}),
    });
    const requests = { rest: stats.rest, registry: stats.registry };
    const shown = { olderThan: args.olderThan ?? null, keepLast: args.keepLast ?? null, package: args.package ?? null };
    io.stdout(args.format === "json" ? `${JSON.stringify(cleanupJson(result, shown, requests), null, 2)}\n` : cleanupText(result, shown, requests));
    if (result.stopped) io.stderr(`cacheguard cleanup: ${redact(result.stopped, [token])}\n`);
    return exitCode(result);
  } catch (e) {
    if (e instanceof CleanupError) {
      io.stderr(`cacheguard cleanup: ${redact(e.message, [token])}\n`);
      return 2;
    }
    throw e;
  } finally {
    await db.$disconnect();
  }
}
