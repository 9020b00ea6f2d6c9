import { readFileSync, statSync } from "node:fs";
import { z } from "zod";
import { AppKeyError, normalizeAppPrivateKey } from "@/lib/github/app-key";
import { isPostgresUrl } from "@/lib/server/dialect";
import { otherRegistriesFromEnv, parseRegistriesJson, parseRegistryUrls } from "@/lib/registry/credentials";

/** An http(s) URL (an alert receiver): no other scheme, no spaces. */
export function httpUrlProblem(value: string): string | null {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return "must be a URL such as https://hooks.example.com/cacheguard";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return `must be an http or https URL (got ${u.protocol.replace(/:$/, "")})`;
  if (!u.hostname) return "must name a host";
  return null;
}

/** What is wrong with a DATABASE_URL, in words that never repeat it (it may hold a password), or null. */
export function databaseUrlProblem(value: string): string | null {
  if (value.startsWith("file:")) return value.length > "file:".length ? null : "must name a file (file:./data/cacheguard.db)";
  if (!isPostgresUrl(value)) return "must be a SQLite file: URL (file:./data/cacheguard.db) or a PostgreSQL URL (postgresql://user:password@host:5432/cacheguard)";
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return "is not a valid postgresql:// URL (a password with @, : or / must be percent-encoded)";
  }
  if (!u.hostname) return "must name the PostgreSQL host (postgresql://user:password@host:5432/cacheguard)";
  if (u.pathname.length <= 1) return `must name the database (postgresql://…@${u.hostname}${u.port ? `:${u.port}` : ""}/cacheguard)`;
  return null;
}

/** Webhook signing secrets: long enough that guessing one is not an option. */
export const WEBHOOK_SECRET_MIN = 16;
export const WEBHOOK_SECRET_MAX = 256;

// an empty variable (KEY= in a compose file) means "not set"
const unsetIfEmpty = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const alertUrl = z.preprocess(unsetIfEmpty, z.string().trim().max(2000).superRefine((v, ctx) => {
  const problem = httpUrlProblem(v);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
}).optional());

/** A JSON variable checked by its parser, whose problem text names places and never values. */
const jsonVar = (parse: (text: string) => object) => z.preprocess(unsetIfEmpty, z.string().superRefine((v, ctx) => {
  const r = parse(v);
  if ("problem" in r) ctx.addIssue({ code: "custom", message: String(r.problem).replace(/^CACHEGUARD_[A-Z_]+:? ?/, "") });
}).optional());

/** GitHub's rule for a user or org login: letters, digits and single inner hyphens, at most 39. */
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const LOGIN_RULE = "must be a GitHub organization login (letters, digits and single inner hyphens, at most 39 characters)";

/**
 * CACHEGUARD_ORGS: logins separated by commas (spaces around them are fine), kept in order and
 * deduplicated as GitHub compares logins (case-insensitively); a bad item is named.
 */
function parseOrgList(value: string, ctx: z.RefinementCtx): string[] {
  const out: string[] = [];
  for (const raw of value.split(",")) {
    const login = raw.trim();
    if (login === "") continue;
    if (!GITHUB_LOGIN.test(login)) {
      ctx.addIssue({ code: "custom", message: `"${login.slice(0, 60)}" ${LOGIN_RULE}` });
      return [];
    }
    if (!out.some((o) => o.toLowerCase() === login.toLowerCase())) out.push(login);
  }
  if (out.length === 0) ctx.addIssue({ code: "custom", message: "names no organization: set it like acme,globex or unset it" });
  return out;
}

function parseDemoOrgUrls(value: string, ctx: z.RefinementCtx): Record<string, string> {
  const r = z.record(z.string().regex(GITHUB_LOGIN), z.string().url()).safeParse((() => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return null;
    }
  })());
  if (!r.success) {
    ctx.addIssue({ code: "custom", message: 'must be JSON like {"globex": "http://127.0.0.1:4011"}' });
    return {};
  }
  return r.data;
}

/**
 * Server configuration, validated once. Without CACHEGUARD_ORG the app runs in demo mode against
 * the built-in fake GitHub server; with it, the org must be readable (a token or a GitHub App).
 */
const schema = z.object({
  /** SQLite (`file:PATH`, the default) or PostgreSQL (`postgresql://USER:PASSWORD@HOST:PORT/DB`) */
  DATABASE_URL: z.string().trim().default("file:./data/cacheguard.db").superRefine((v, ctx) => {
    const problem = databaseUrlProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  GITHUB_TOKEN: z.string().min(1).optional(),
  GITHUB_APP_ID: z.string().optional(),
  /** the App's private key (PEM; `\n`-escaped newlines are fine), or GITHUB_APP_PRIVATE_KEY_FILE: the .pem file */
  GITHUB_APP_PRIVATE_KEY: z.string().optional(),
  GITHUB_APP_PRIVATE_KEY_FILE: z.string().optional(),
  /** optional: found with GET /orgs/{org}/installation when unset */
  GITHUB_APP_INSTALLATION_ID: z.string().optional(),
  /** a personal access token (classic, read:packages) for the Packages API and GHCR, beside an App (or a PAT) */
  GHCR_TOKEN: z.string().min(1).optional(),
  /** set by `npm start` for the demo in App mode (CACHEGUARD_DEMO_AUTH=app): the fake App and its generated key */
  CACHEGUARD_DEMO_APP_ID: z.string().optional(),
  CACHEGUARD_DEMO_APP_KEY_FILE: z.string().optional(),
  // an empty value is an error, never "unset": a configured org must not quietly become the open demo
  CACHEGUARD_ORG: z.string().trim().regex(GITHUB_LOGIN, LOGIN_RULE).optional(),
  /** several organizations, comma-separated (the first is the default); CACHEGUARD_ORG is a one-item list */
  CACHEGUARD_ORGS: z.string().transform((v, ctx) => parseOrgList(v, ctx)).optional(),
  /** set by `npm start` in demo mode: {"globex": "<url>"}, the fake servers of the demo's other orgs */
  CACHEGUARD_DEMO_ORG_URLS: z.preprocess(unsetIfEmpty, z.string().transform((v, ctx) => parseDemoOrgUrls(v, ctx)).optional()),
  GITHUB_API_URL: z.string().url().default("https://api.github.com"),
  GHCR_URL: z.string().url().default("https://ghcr.io"),
  CACHEGUARD_SCHEDULE: z.string().default("0 3 * * *"),
  CACHEGUARD_INCLUDE_ARCHIVED: z.enum(["0", "1", "true", "false"]).optional(),
  CACHEGUARD_INCLUDE_FORKS: z.enum(["0", "1", "true", "false"]).optional(),
  /** upload each repository's SARIF to code scanning after every scan (the /settings page overrides it) */
  CACHEGUARD_CODE_SCANNING: z.enum(["0", "1", "true", "false"]).optional(),
  /** keep one `cacheguard` issue per affected repository after every scan (the /settings page overrides it) */
  CACHEGUARD_ISSUES: z.enum(["0", "1", "true", "false"]).optional(),
  /** registry (ghcr.io) requests in flight at once during a scan; default 16 */
  CACHEGUARD_REGISTRY_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  /** resolved findings are deleted once their resolving scan is this many days old, after each scan; 0 keeps them forever */
  CACHEGUARD_RETENTION_DAYS: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(36_500).default(90)),
  /** the repository custom property naming the owner team (read with GET /orgs/{org}/properties/values) */
  CACHEGUARD_TEAM_PROPERTY: z.string().trim().min(1).max(100).default("team"),
  /** credentials for registries other than GHCR: a JSON list of {host, username, password} | {host, token} | {host, identityToken} */
  CACHEGUARD_REGISTRIES: jsonVar(parseRegistriesJson),
  /** a docker config.json whose `auths` give registry credentials (credential helpers are not run) */
  CACHEGUARD_DOCKER_CONFIG: z.preprocess(unsetIfEmpty, z.string().optional()),
  /** Docker Hub: a user and a personal access token, for private repositories (public ones are read anonymously) */
  DOCKERHUB_USERNAME: z.preprocess(unsetIfEmpty, z.string().optional()),
  DOCKERHUB_TOKEN: z.preprocess(unsetIfEmpty, z.string().optional()),
  /** test/dev hook: JSON host → URL of its registry API (`npm start` points docker.io at the fake Docker Hub) */
  CACHEGUARD_REGISTRY_URLS: jsonVar(parseRegistryUrls),
  /** set by `npm start` in demo mode: the fake server's URL */
  CACHEGUARD_DEMO_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().positive().default(3000),
  /** the address `npm start` listens on; demo mode defaults to loopback only */
  HOST: z.string().min(1).optional(),
  /** the dashboard's public URL (also next-auth's) */
  NEXTAUTH_URL: z.string().url().optional(),
  /** how long a confirmed org membership counts before GitHub is asked again (at most 10 minutes) */
  CACHEGUARD_MEMBERSHIP_TTL_SECONDS: z.coerce.number().int().min(1).max(600).default(600),
  /** the secret of the GitHub webhook (org hook or App) that POSTs to /api/webhooks/github; unset: webhooks off */
  GITHUB_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** set behind a reverse proxy that overwrites X-Forwarded-Host/-Proto: only then are they believed */
  TRUST_PROXY: z.enum(["0", "1", "true", "false"]).optional(),
  /** alerts after a scan (the /settings page wins over these): a Slack incoming webhook URL */
  CACHEGUARD_SLACK_WEBHOOK_URL: alertUrl,
  /** a receiver of the signed JSON webhook, and its HMAC-SHA256 key (nothing is sent unsigned) */
  CACHEGUARD_ALERT_WEBHOOK_URL: alertUrl,
  CACHEGUARD_ALERT_WEBHOOK_SECRET: z.preprocess(unsetIfEmpty, z.string()
    .min(WEBHOOK_SECRET_MIN, `must be at least ${WEBHOOK_SECRET_MIN} characters`)
    .max(WEBHOOK_SECRET_MAX, `must be at most ${WEBHOOK_SECRET_MAX} characters`).optional()),
});

export type Env = z.infer<typeof schema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${issues}`);
  }
  return parsed.data;
}

export const DEMO_ORG = "acme";
/** the demo's other orgs (lib/demo/fixture-globex), served when `npm start` sets CACHEGUARD_DEMO_ORG_URLS */
export const DEMO_OTHER_ORGS = ["globex"];
export const DEMO_TOKEN = "demo-token";

/** Demo mode is for a machine with no organization configured, and only for that. */
export function isDemoMode(env: Pick<Env, "CACHEGUARD_ORG" | "CACHEGUARD_ORGS">): boolean {
  return !env.CACHEGUARD_ORG && !env.CACHEGUARD_ORGS?.length;
}

/**
 * The organizations this deployment serves, the default first: CACHEGUARD_ORGS, else CACHEGUARD_ORG
 * as a one-item list; in demo mode `acme` and the other demo orgs `npm start` serves.
 */
export function configuredOrgs(env: Pick<Env, "CACHEGUARD_ORG" | "CACHEGUARD_ORGS" | "CACHEGUARD_DEMO_ORG_URLS">): string[] {
  if (isDemoMode(env)) return [DEMO_ORG, ...Object.keys(env.CACHEGUARD_DEMO_ORG_URLS ?? {}).filter((o) => o.toLowerCase() !== DEMO_ORG)];
  if (env.CACHEGUARD_ORGS?.length) return env.CACHEGUARD_ORGS;
  return [env.CACHEGUARD_ORG!];
}

export function defaultOrg(env: Pick<Env, "CACHEGUARD_ORG" | "CACHEGUARD_ORGS" | "CACHEGUARD_DEMO_ORG_URLS">): string {
  return configuredOrgs(env)[0];
}

/** The configured spelling of `login` (logins compare case-insensitively), or null when it is not configured. */
export function configuredOrg(env: Pick<Env, "CACHEGUARD_ORG" | "CACHEGUARD_ORGS" | "CACHEGUARD_DEMO_ORG_URLS">, login: string): string | null {
  return configuredOrgs(env).find((o) => o.toLowerCase() === login.toLowerCase()) ?? null;
}

export function trustProxy(env: Env): boolean {
  return env.TRUST_PROXY === "1" || env.TRUST_PROXY === "true";
}

/**
 * Why this configuration cannot serve, as one line, or null. An org that is configured but cannot
 * be read must not quietly become the open demo: the server refuses to start instead.
 */
export function configProblem(env: Env): string | null {
  // a registry credential that cannot be used is refused in demo mode too: it would only fail later
  const registries = otherRegistriesFromEnv(env);
  if ("problem" in registries) return registries.problem;
  if (isDemoMode(env)) return null;
  const ghcr = ghcrTokenProblem(env.GHCR_TOKEN);
  if (ghcr) return ghcr;
  const app = githubAppFromEnv(env);
  if (env.CACHEGUARD_ORG && env.CACHEGUARD_ORGS?.length && !configuredOrg(env, env.CACHEGUARD_ORG)) {
    return `CACHEGUARD_ORG=${env.CACHEGUARD_ORG} is not in CACHEGUARD_ORGS=${env.CACHEGUARD_ORGS.join(",")}: set one of them (CACHEGUARD_ORGS lists every organization, the default first).`;
  }
  const named = env.CACHEGUARD_ORGS?.length ? `CACHEGUARD_ORGS=${env.CACHEGUARD_ORGS.join(",")}` : `CACHEGUARD_ORG=${env.CACHEGUARD_ORG}`;
  if ("problem" in app) return `${named} is set but ${app.problem}`;
  if (env.GITHUB_TOKEN || app.app) return null;
  return `${named} is set but there is no way to read it: set GITHUB_TOKEN (or a GitHub App), or unset CACHEGUARD_ORG for the demo.`;
}

/**
 * GHCR_TOKEN must be what GitHub Packages takes: a personal access token (classic) with
 * read:packages. The token shapes it refuses are named here, before a scan finds out.
 */
export function ghcrTokenProblem(token: string | undefined): string | null {
  if (!token) return null;
  const kind = /^github_pat_/.test(token) ? "a fine-grained personal access token"
    : /^ghs_/.test(token) ? "an installation (or Actions) token"
      : /^ghu_/.test(token) ? "a GitHub App user token"
        : /^ghr_/.test(token) ? "a refresh token"
          : null;
  return kind
    ? `GHCR_TOKEN is ${kind}; GitHub Packages and ghcr.io take a personal access token (classic) with the read:packages scope (github.com → Settings → Developer settings → Personal access tokens → Tokens (classic)).`
    : null;
}

export interface GitHubAppEnv { appId: string; privateKey: string; installationId?: number }

let appMemo: { key: string; result: { app: GitHubAppEnv | null } | { problem: string } } | null = null;

/**
 * The GitHub App the environment configures (null when none), or why it is not usable, in words that
 * name variables and never values: GITHUB_APP_ID (numeric), GITHUB_APP_PRIVATE_KEY or
 * GITHUB_APP_PRIVATE_KEY_FILE (a PEM, `\n`-escaped newlines accepted), GITHUB_APP_INSTALLATION_ID
 * optional. Checked once per distinct value (every request asks).
 */
export function githubAppFromEnv(env: Pick<Env, "GITHUB_APP_ID" | "GITHUB_APP_PRIVATE_KEY" | "GITHUB_APP_PRIVATE_KEY_FILE" | "GITHUB_APP_INSTALLATION_ID">): { app: GitHubAppEnv | null } | { problem: string } {
  // a key file replaced in place (a rotated key) is read again
  let fileSig = "";
  try {
    if (env.GITHUB_APP_PRIVATE_KEY_FILE) fileSig = String(statSync(env.GITHUB_APP_PRIVATE_KEY_FILE, { throwIfNoEntry: false })?.mtimeMs ?? "none");
  } catch {
    fileSig = "unreadable"; // readApp says why
  }
  const key = [env.GITHUB_APP_ID, env.GITHUB_APP_PRIVATE_KEY, env.GITHUB_APP_PRIVATE_KEY_FILE, fileSig, env.GITHUB_APP_INSTALLATION_ID].join("\0");
  if (appMemo?.key !== key) appMemo = { key, result: readApp(env) };
  return appMemo.result;
}

function readApp(env: Pick<Env, "GITHUB_APP_ID" | "GITHUB_APP_PRIVATE_KEY" | "GITHUB_APP_PRIVATE_KEY_FILE" | "GITHUB_APP_INSTALLATION_ID">): { app: GitHubAppEnv | null } | { problem: string } {
  const { GITHUB_APP_ID: id, GITHUB_APP_PRIVATE_KEY: inline, GITHUB_APP_PRIVATE_KEY_FILE: file, GITHUB_APP_INSTALLATION_ID: inst } = env;
  if (!id && !inline && !file && !inst) return { app: null };
  if (!id || (!inline && !file)) {
    return { problem: "the GitHub App is incomplete: set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (or GITHUB_APP_PRIVATE_KEY_FILE); GITHUB_APP_INSTALLATION_ID is optional. Or set GITHUB_TOKEN instead, or unset CACHEGUARD_ORG for the demo." };
  }
  if (inline && file) return { problem: "both GITHUB_APP_PRIVATE_KEY and GITHUB_APP_PRIVATE_KEY_FILE are set: set one of them." };
  if (!/^\d+$/.test(id.trim())) return { problem: "GITHUB_APP_ID must be the App's numeric ID (the App's settings page, \"App ID\"), not its client ID or name." };
  if (inst !== undefined && inst.trim() !== "" && !/^\d+$/.test(inst.trim())) return { problem: "GITHUB_APP_INSTALLATION_ID must be a number (the end of the installation's settings URL), or unset to find the org's installation." };
  let raw: string;
  if (file) {
    try {
      raw = readFileSync(file, "utf8");
    } catch (e) {
      return { problem: `GITHUB_APP_PRIVATE_KEY_FILE=${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? "unreadable"}).` };
    }
  } else raw = inline!;
  try {
    const privateKey = normalizeAppPrivateKey(raw, file ? `GITHUB_APP_PRIVATE_KEY_FILE (${file})` : "GITHUB_APP_PRIVATE_KEY");
    return { app: { appId: id.trim(), privateKey, ...(inst && inst.trim() ? { installationId: Number(inst.trim()) } : {}) } };
  } catch (e) {
    if (e instanceof AppKeyError) return { problem: `${e.message}.` };
    throw e;
  }
}
