/**
 * Credentials for registries other than GHCR, per host, from three places (first wins):
 * `CACHEGUARD_REGISTRIES` (JSON, validated here), `DOCKERHUB_USERNAME` + `DOCKERHUB_TOKEN` (Docker
 * Hub), and a docker `config.json` (`CACHEGUARD_DOCKER_CONFIG`: its `auths`). A host with none is
 * read anonymously (Docker Hub and most registries hand out pull tokens for public repositories).
 * Credential helpers (`credsStore`, `credHelpers`) run programs cacheguard does not run: the hosts
 * they cover are named when a read is refused, so the user knows to put a credential here instead.
 * Every secret is registered for redaction as it is read; messages name variables, never values.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { registerSecret } from "@/lib/github/redact";
import { DOCKER_HUB, canonicalHost } from "./hosts";

export type CredentialSource = "CACHEGUARD_REGISTRIES" | "DOCKERHUB_TOKEN" | "CACHEGUARD_DOCKER_CONFIG";

export type RegistryCredential =
  /** Basic at the registry's token endpoint (or at the registry, when it challenges Basic) */
  | { host: string; kind: "basic"; username: string; password: string; source: CredentialSource }
  /** a registry access token sent as `Authorization: Bearer` as it is, without a token exchange */
  | { host: string; kind: "bearer"; token: string; source: CredentialSource }
  /** docker's `identitytoken`: an OAuth2 refresh token traded at the token endpoint (POST, grant_type=refresh_token) */
  | { host: string; kind: "identity"; identityToken: string; source: CredentialSource };

/** What a scan knows about reaching registries other than GHCR. */
export interface OtherRegistriesConfig {
  credentials: RegistryCredential[];
  /**
   * Test and development hook (`CACHEGUARD_REGISTRY_URLS`): host → the URL its registry API is
   * reached at, e.g. `{"docker.io": "http://127.0.0.1:4011"}` for the fake Docker Hub. Set from the
   * environment, it also sets `onlyListed`.
   */
  urls?: Record<string, string>;
  /** read only the hosts `urls` names; any other host is reported not read (demo mode and tests never go out) */
  onlyListed?: boolean;
  /** hosts whose credentials docker.json leaves to a credential helper (not supported), and the helper */
  helpers?: Record<string, string>;
}

const host = z.string().trim().min(1, "host must not be empty").transform((h, ctx) => {
  const c = canonicalHost(h);
  if (!c) ctx.addIssue({ code: "custom", message: "host must be a registry host such as docker.io, quay.io or 123456789012.dkr.ecr.eu-west-1.amazonaws.com" });
  return c ?? h;
});
const secret = (name: string) => z.string().min(1, `${name} must not be empty`);

/** One CACHEGUARD_REGISTRIES entry: a user name and password (or access token), a bearer token, or an identity token. */
export const registryEntrySchema = z.union([
  z.object({ host, username: z.string().min(1, "username must not be empty"), password: secret("password") }).strict(),
  z.object({ host, token: secret("token") }).strict(),
  z.object({ host, identityToken: secret("identityToken") }).strict(),
], { error: 'each entry is {"host", "username", "password"}, {"host", "token"} or {"host", "identityToken"}' });

export const registriesSchema = z.array(registryEntrySchema);

/** The issues of a zod parse, as one line that names places (`[1].password`) and never quotes values. */
function issuesText(error: z.ZodError): string {
  const place = (path: PropertyKey[]) => path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");
  return error.issues.map((i) => `${i.path.length ? `${place(i.path)}: ` : ""}${i.message}`).join("; ");
}

/** CACHEGUARD_REGISTRIES parsed, or why not (never the values). */
export function parseRegistriesJson(text: string): { credentials: RegistryCredential[] } | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { problem: 'CACHEGUARD_REGISTRIES is not JSON: set it to a list like [{"host": "quay.io", "username": "…", "password": "…"}]' };
  }
  const parsed = registriesSchema.safeParse(raw);
  if (!parsed.success) return { problem: `CACHEGUARD_REGISTRIES: ${issuesText(parsed.error)}` };
  const credentials = parsed.data.map((e): RegistryCredential => {
    if ("password" in e) return { host: e.host, kind: "basic", username: e.username, password: e.password, source: "CACHEGUARD_REGISTRIES" };
    if ("token" in e) return { host: e.host, kind: "bearer", token: e.token, source: "CACHEGUARD_REGISTRIES" };
    return { host: e.host, kind: "identity", identityToken: e.identityToken, source: "CACHEGUARD_REGISTRIES" };
  });
  for (const c of credentials) registerCredential(c);
  return { credentials };
}

const dockerAuthSchema = z.object({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  identitytoken: z.string().optional(),
  registrytoken: z.string().optional(),
}).passthrough();
const dockerConfigSchema = z.object({
  auths: z.record(z.string(), dockerAuthSchema).optional(),
  credsStore: z.string().optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
}).passthrough();

export interface DockerConfigCredentials {
  credentials: RegistryCredential[];
  /** host → helper for the hosts a credential helper holds (credHelpers, or credsStore for hosts without `auth`) */
  helpers: Record<string, string>;
}

/**
 * A docker config.json's credentials: `auths[KEY].auth` (base64 `user:password`), or `username` +
 * `password`, `identitytoken` (an OAuth2 refresh token) and `registrytoken` (a bearer token). Keys
 * are hosts or URLs (`https://index.docker.io/v1/` is Docker Hub).
 */
export function parseDockerConfig(text: string, file: string): DockerConfigCredentials | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { problem: `CACHEGUARD_DOCKER_CONFIG=${file} is not JSON (a docker config.json such as ~/.docker/config.json)` };
  }
  const parsed = dockerConfigSchema.safeParse(raw);
  if (!parsed.success) return { problem: `CACHEGUARD_DOCKER_CONFIG=${file}: ${issuesText(parsed.error)}` };
  const credentials: RegistryCredential[] = [];
  const helpers: Record<string, string> = {};
  for (const [key, entry] of Object.entries(parsed.data.auths ?? {})) {
    const h = canonicalHost(key);
    if (!h) continue;
    const src = "CACHEGUARD_DOCKER_CONFIG" as const;
    if (entry.identitytoken) credentials.push({ host: h, kind: "identity", identityToken: entry.identitytoken, source: src });
    else if (entry.registrytoken) credentials.push({ host: h, kind: "bearer", token: entry.registrytoken, source: src });
    else if (entry.auth) {
      const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon <= 0) return { problem: `CACHEGUARD_DOCKER_CONFIG=${file}: auths["${key}"].auth is not base64 of "user:password"` };
      registerSecret(entry.auth);
      credentials.push({ host: h, kind: "basic", username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source: src });
    } else if (entry.username && entry.password) {
      credentials.push({ host: h, kind: "basic", username: entry.username, password: entry.password, source: src });
    } else if (parsed.data.credsStore) {
      helpers[h] = parsed.data.credsStore; // an empty entry: docker keeps the secret in its credential store
    }
  }
  for (const [key, helper] of Object.entries(parsed.data.credHelpers ?? {})) {
    const h = canonicalHost(key);
    if (h && !credentials.some((c) => c.host === h)) helpers[h] = helper;
  }
  for (const c of credentials) registerCredential(c);
  return { credentials, helpers };
}

export function readDockerConfig(file: string): DockerConfigCredentials | { problem: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return { problem: `CACHEGUARD_DOCKER_CONFIG=${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? "unreadable"})` };
  }
  return parseDockerConfig(text, file);
}

/** The test/dev hook CACHEGUARD_REGISTRY_URLS: a JSON object host → http(s) URL. */
export function parseRegistryUrls(text: string): { urls: Record<string, string> } | { problem: string } {
  const schema = z.record(z.string(), z.string().url().refine((u) => /^https?:\/\//.test(u), "must be an http or https URL"));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { problem: 'CACHEGUARD_REGISTRY_URLS is not JSON: set it to an object like {"docker.io": "http://127.0.0.1:4011"}' };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { problem: `CACHEGUARD_REGISTRY_URLS: ${issuesText(parsed.error)}` };
  const urls: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed.data)) {
    const h = canonicalHost(k);
    if (!h) return { problem: `CACHEGUARD_REGISTRY_URLS: "${k}" is not a registry host` };
    urls[h] = v;
  }
  return { urls };
}

function registerCredential(c: RegistryCredential): void {
  if (c.kind === "basic") {
    registerSecret(c.password);
    registerSecret(Buffer.from(`${c.username}:${c.password}`).toString("base64"));
  } else if (c.kind === "bearer") registerSecret(c.token);
  else registerSecret(c.identityToken);
}

export interface RegistryCredentialEnv {
  CACHEGUARD_REGISTRIES?: string;
  CACHEGUARD_DOCKER_CONFIG?: string;
  DOCKERHUB_USERNAME?: string;
  DOCKERHUB_TOKEN?: string;
  CACHEGUARD_REGISTRY_URLS?: string;
}

/**
 * Every credential the environment gives, one per host (CACHEGUARD_REGISTRIES first, then
 * DOCKERHUB_*, then the docker config), or the first problem, in words that name variables only.
 */
export function otherRegistriesFromEnv(env: RegistryCredentialEnv): OtherRegistriesConfig | { problem: string } {
  const all: RegistryCredential[] = [];
  let helpers: Record<string, string> = {};
  if (env.CACHEGUARD_REGISTRIES?.trim()) {
    const r = parseRegistriesJson(env.CACHEGUARD_REGISTRIES);
    if ("problem" in r) return r;
    all.push(...r.credentials);
  }
  if (!!env.DOCKERHUB_USERNAME !== !!env.DOCKERHUB_TOKEN) {
    return { problem: "DOCKERHUB_USERNAME and DOCKERHUB_TOKEN go together: set both (a Docker Hub user and a personal access token with read access), or neither" };
  }
  if (env.DOCKERHUB_USERNAME && env.DOCKERHUB_TOKEN) {
    const c: RegistryCredential = { host: DOCKER_HUB, kind: "basic", username: env.DOCKERHUB_USERNAME, password: env.DOCKERHUB_TOKEN, source: "DOCKERHUB_TOKEN" };
    registerCredential(c);
    all.push(c);
  }
  if (env.CACHEGUARD_DOCKER_CONFIG?.trim()) {
    const r = readDockerConfig(env.CACHEGUARD_DOCKER_CONFIG.trim());
    if ("problem" in r) return r;
    all.push(...r.credentials);
    helpers = r.helpers;
  }
  const credentials: RegistryCredential[] = [];
  for (const c of all) if (!credentials.some((x) => x.host === c.host)) credentials.push(c);
  for (const c of credentials) delete helpers[c.host];
  let urls: Record<string, string> | undefined;
  if (env.CACHEGUARD_REGISTRY_URLS?.trim()) {
    const r = parseRegistryUrls(env.CACHEGUARD_REGISTRY_URLS);
    if ("problem" in r) return r;
    urls = r.urls;
  }
  // a test or development set-up names the registries it may reach: it never goes out to any other
  return { credentials, ...(urls ? { urls, onlyListed: true } : {}), ...(Object.keys(helpers).length ? { helpers } : {}) };
}

/** A credential as registry client options (Basic at the token endpoint, a bearer token as is, or an identity token). */
export function clientAuth(c: RegistryCredential | undefined): { username?: string; token?: string; bearerToken?: string; identityToken?: string } {
  if (!c) return {};
  if (c.kind === "basic") return { username: c.username, token: c.password };
  if (c.kind === "bearer") return { bearerToken: c.token };
  return { identityToken: c.identityToken };
}

/** The credential for a host, if any. */
export function credentialFor(config: OtherRegistriesConfig | undefined, h: string): RegistryCredential | undefined {
  return config?.credentials.find((c) => c.host === h);
}
