import { OCI_INDEX, OCI_MANIFEST, type FixturePackage, type TokenUser } from "./fixture";
import { hasScope, isMember, lookupToken, type Ctx } from "./http";
import { installationGrant } from "./app";
import { registryToken, readRegistryToken } from "./registry-token";
import { untaggedManifest } from "./untagged-versions";

export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
// A client that sends no Accept gets Docker schema 2 only, as from distribution (which would go
// further and rewrite schema 2 to schema 1; GHCR has no schema 1, so the fake serves schema 2).
const DEFAULT_ACCEPT = [DOCKER_MANIFEST];

export function regSend(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
  // distribution writes its JSON with Go's json.Encoder, which ends it with a newline
  const text = body === undefined ? "" : `${JSON.stringify(body)}\n`;
  ctx.res.writeHead(status, {
    "docker-distribution-api-version": "registry/2.0",
    ...(text ? { "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(text)) } : {}),
    ...headers,
  });
  ctx.res.end(ctx.req.method === "HEAD" ? undefined : text);
}

/** distribution's error body (its errcode package): `detail` left out when the error has none to give. */
export const regError = (code: string, message: string, detail?: unknown) => ({ errors: [{ code, message, ...(detail !== undefined ? { detail } : {}) }] });

function challenge(ctx: Ctx, scope: string, error?: "invalid_token" | "insufficient_scope"): Record<string, string> {
  return { "www-authenticate": `Bearer realm="${ctx.base}/token",service="ghcr.io",scope="${scope}"${error ? `,error="${error}"` : ""}` };
}

/** 401 with distribution's access record as detail; a token that was sent is named in the challenge (RFC 6750 §3.1). */
function unauthorized(ctx: Ctx, name: string): void {
  const bearer = /^bearer\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? "")?.[1];
  const error = bearer === undefined ? undefined : readRegistryToken(bearer) || directUser(ctx, bearer) ? "insufficient_scope" : "invalid_token";
  regSend(ctx, 401, regError("UNAUTHORIZED", "authentication required", [{ Type: "repository", Class: "", Name: name, Action: "pull" }]), challenge(ctx, `repository:${name}:pull`, error));
}

/** A GitHub token used directly as the bearer (raw or base64), as GHCR accepts. */
function directUser(ctx: Ctx, bearer: string): TokenUser | null {
  return lookupToken(ctx.fixture, ctx.state, bearer) ?? lookupToken(ctx.fixture, ctx.state, Buffer.from(bearer, "base64").toString("utf8"));
}

/** May this caller pull this package? Public ones: anyone; private ones: members with read:packages. */
function mayPull(ctx: Ctx, user: TokenUser | null, p: FixturePackage | undefined): boolean {
  if (!p || p.visibility === "public") return true;
  return !!user && hasScope({ token: "", user }, "read:packages") && isMember(ctx.fixture, user.login, ctx.state);
}

/**
 * GET /token: basic auth with any user name and a GitHub token as password; anonymous for public
 * packages. A GitHub App installation token is taken, but GHCR grants it what it grants anyone:
 * public packages only (its private packages want a personal access token (classic)).
 */
export function tokenEndpoint(ctx: Ctx): void {
  let user: TokenUser | null = null;
  let sub: string | null = null;
  const auth = ctx.req.headers.authorization;
  if (auth?.toLowerCase().startsWith("basic ")) {
    const decoded = Buffer.from(auth.slice(6).trim(), "base64").toString("utf8");
    const password = decoded.slice(decoded.indexOf(":") + 1);
    user = lookupToken(ctx.fixture, ctx.state, password);
    sub = user?.login ?? null;
    if (!user) {
      if (!installationGrant(ctx.state.app, password)) return regSend(ctx, 403, regError("DENIED", "denied"));
      sub = `${ctx.state.app!.opts.slug}[bot]`;
    }
  }
  const org = ctx.fixture.org.login.toLowerCase();
  const granted: string[] = [];
  for (const scope of ctx.url.searchParams.getAll("scope")) {
    const m = /^repository:([^:]+):([a-z,*]+)$/.exec(scope);
    if (!m) continue;
    const [owner, ...rest] = m[1].split("/");
    const pkg = owner.toLowerCase() === org ? ctx.fixture.packages.get(rest.join("/")) : undefined;
    if (mayPull(ctx, user, pkg)) granted.push(m[1].toLowerCase());
  }
  const token = registryToken({ sub, repos: granted });
  regSend(ctx, 200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
}

/** Which repositories the request's bearer token may pull (a registry token, or a GitHub token used directly). */
function grantFor(ctx: Ctx, name: string): boolean {
  const auth = ctx.req.headers.authorization;
  const m = auth ? /^bearer\s+(\S+)$/i.exec(auth) : null;
  if (!m) return false;
  const claims = readRegistryToken(m[1]);
  if (claims) return claims.repos.includes(name.toLowerCase());
  const direct = directUser(ctx, m[1]);
  const pkg = ctx.fixture.packages.get(name.split("/").slice(1).join("/"));
  return !!direct && mayPull(ctx, direct, pkg);
}

function acceptedTypes(ctx: Ctx): Set<string> {
  const raw = ctx.req.headersDistinct.accept ?? [];
  const types = raw.flatMap((h) => h.split(",")).map((t) => t.split(";")[0].trim().toLowerCase()).filter(Boolean);
  // "*/*" (what fetch sends by default) names no manifest type: distribution treats it as no Accept
  const named = types.filter((t) => t !== "*/*");
  return new Set(named.length ? named : DEFAULT_ACCEPT);
}

/** distribution routes tags/list for GET only: any other method is its router's plain-text 405. */
export function methodNotAllowed(ctx: Ctx): void {
  const text = "Method Not Allowed\n";
  ctx.res.writeHead(405, { "content-type": "text/plain; charset=utf-8", "content-length": String(Buffer.byteLength(text)) });
  ctx.res.end(ctx.req.method === "HEAD" ? undefined : text);
}

/** /v2/... routes. Returns false when the path is not a registry route. */
export function handleRegistry(ctx: Ctx): void {
  const path = ctx.url.pathname;
  if (path === "/v2/" || path === "/v2") {
    const ok = ctx.req.headers.authorization && readRegistryToken(ctx.req.headers.authorization.replace(/^bearer\s+/i, ""));
    if (ok) return regSend(ctx, 200, {});
    return regSend(ctx, 401, regError("UNAUTHORIZED", "authentication required", null), challenge(ctx, "repository:user/image:pull"));
  }
  const m = /^\/v2\/(.+?)\/(tags\/list|manifests\/([^/]+)|blobs\/([^/]+))$/.exec(path);
  if (!m) return regSend(ctx, 404, regError("NOT_FOUND", "not found"));
  const name = m[1];
  if (!grantFor(ctx, name)) return unauthorized(ctx, name);
  const [owner, ...rest] = name.split("/");
  const pkg = owner.toLowerCase() === ctx.fixture.org.login.toLowerCase() ? ctx.fixture.packages.get(rest.join("/")) : undefined;
  // distribution: only tags/list says NAME_UNKNOWN; a manifest or blob of an unknown repository is simply unknown
  if (m[2] === "tags/list") return pkg ? tagsList(ctx, name, pkg) : regSend(ctx, 404, regError("NAME_UNKNOWN", "repository name not known to registry", { name }));
  if (m[3] !== undefined) return manifest(ctx, name, pkg, decodeURIComponent(m[3]));
  return blob(ctx, pkg, decodeURIComponent(m[4]));
}

export function tagsList(ctx: Ctx, name: string, pkg: FixturePackage): void {
  const all = [...pkg.tags.keys()].sort();
  const last = ctx.url.searchParams.get("last");
  const nParam = ctx.url.searchParams.get("n");
  const after = last ? all.filter((t) => t > last) : all;
  const asked = nParam !== null ? Math.max(Number(nParam) || 0, 0) : after.length;
  // a registry may serve fewer than asked (its own maximum), with a Link to the rest
  const n = ctx.state.pages.maxTagsPerPage === null ? asked : Math.min(asked, ctx.state.pages.maxTagsPerPage);
  const page = after.slice(0, n);
  const headers: Record<string, string> = {};
  if (page.length < after.length && page.length > 0) {
    headers.link = `</v2/${name}/tags/list?last=${encodeURIComponent(page[page.length - 1])}&n=${asked}>; rel="next"`;
  }
  regSend(ctx, 200, { name, tags: page }, headers);
}

const NOT_ACCEPTED: Record<string, string> = {
  [OCI_INDEX]: "OCI index found, but accept header does not support OCI indexes",
  [OCI_MANIFEST]: "OCI manifest found, but accept header does not support OCI manifests",
};

export function manifest(ctx: Ctx, name: string, pkg: FixturePackage | undefined, ref: string): void {
  const byDigest = ref.startsWith("sha256:");
  const digest = byDigest ? ref : pkg?.tags.get(ref);
  // a version deleted through the Packages API is gone from the registry too
  const m = digest && pkg && !pkg.deletedDigests?.has(digest) ? (pkg.manifests.get(digest) ?? (byDigest ? untaggedManifest(pkg, digest, "") : null) ?? undefined) : undefined;
  if (!m) return regSend(ctx, 404, regError("MANIFEST_UNKNOWN", "manifest unknown", byDigest ? { Name: name, Revision: ref } : { Tag: ref }));
  // GHCR and distribution answer 404 (not 406) when the manifest's type is not in Accept, e.g. an OCI index without OCI types.
  if (!acceptedTypes(ctx).has(m.mediaType.toLowerCase())) {
    return regSend(ctx, 404, regError("MANIFEST_UNKNOWN", NOT_ACCEPTED[m.mediaType] ?? "manifest unknown"));
  }
  ctx.res.writeHead(200, {
    "docker-distribution-api-version": "registry/2.0",
    "content-type": m.mediaType,
    "content-length": String(m.bytes.length),
    "docker-content-digest": m.digest,
    etag: `"${m.digest}"`,
  });
  ctx.res.end(ctx.req.method === "HEAD" ? undefined : m.bytes);
}

export function blob(ctx: Ctx, pkg: FixturePackage | undefined, digest: string): void {
  const bytes = pkg?.blobs.get(digest);
  if (!bytes) return regSend(ctx, 404, regError("BLOB_UNKNOWN", "blob unknown to registry", digest));
  ctx.res.writeHead(200, {
    "docker-distribution-api-version": "registry/2.0",
    "content-type": "application/octet-stream",
    "content-length": String(bytes.length),
    "docker-content-digest": digest,
  });
  ctx.res.end(ctx.req.method === "HEAD" ? undefined : bytes);
}
