/**
 * Counts what the scanner asks for, by purpose, by wrapping globalThis.fetch (the GitHub and registry
 * clients take it when they are created). The fake server's /__stats gives totals by kind; this
 * splits GraphQL into repo listing vs workflow content, and records every manifest GET's digest so
 * "each manifest is fetched once per digest" can be checked across scans.
 */

export type RequestPurpose =
  | "graphql:repo-list" | "graphql:workflow-trees" | "graphql:named-files" | "graphql:other"
  | "rest:blob" | "rest:contents" | "rest:repo-list" | "rest:packages" | "rest:package-versions" | "rest:custom-properties"
  | "rest:actions-cache-usage" | "rest:actions-caches" | "rest:actions-cache-limit" | "rest:other"
  | "registry:token" | "registry:tags-list" | "registry:manifest-head" | "registry:manifest-get" | "registry:blob" | "registry:other";

export interface TapCounts { byPurpose: Partial<Record<RequestPurpose, number>>; manifestGets: string[] }

/** Requests that carry workflow or bake file content (what the per-repo content targets are about). */
export const CONTENT_PURPOSES: RequestPurpose[] = ["graphql:workflow-trees", "graphql:named-files", "rest:blob", "rest:contents"];
/** The Actions cache phases: the org's usage by repository, each type=gha repository's entries and its limit. */
export const ACTIONS_CACHE_PURPOSES: RequestPurpose[] = ["rest:actions-cache-usage", "rest:actions-caches", "rest:actions-cache-limit"];

function bodyText(body: unknown): string {
  return typeof body === "string" ? body : body instanceof Uint8Array ? Buffer.from(body).toString("utf8") : "";
}

export function classify(method: string, pathname: string, body: string): RequestPurpose {
  if (/\/graphql$/.test(pathname)) {
    if (body.includes("HEAD:.github/workflows")) return "graphql:workflow-trees";
    if (/object\(expression: \$e/.test(body)) return "graphql:named-files";
    if (/repositories\s*\(/.test(body)) return "graphql:repo-list";
    return "graphql:other";
  }
  if (pathname === "/token") return "registry:token";
  if (pathname.startsWith("/v2/")) {
    if (pathname.endsWith("/tags/list")) return "registry:tags-list";
    if (/\/manifests\/[^/]+$/.test(pathname)) return method === "HEAD" ? "registry:manifest-head" : "registry:manifest-get";
    if (/\/blobs\//.test(pathname)) return "registry:blob";
    return "registry:other";
  }
  if (/\/git\/blobs\//.test(pathname)) return "rest:blob";
  if (/\/contents(\/|$)/.test(pathname)) return "rest:contents";
  if (/^\/orgs\/[^/]+\/repos$/.test(pathname)) return "rest:repo-list";
  if (/^\/orgs\/[^/]+\/actions\/cache\/usage-by-repository$/.test(pathname)) return "rest:actions-cache-usage";
  if (/^\/repos\/[^/]+\/[^/]+\/actions\/caches$/.test(pathname)) return "rest:actions-caches";
  if (/^\/repos\/[^/]+\/[^/]+\/actions\/cache\/storage-limit$/.test(pathname)) return "rest:actions-cache-limit";
  if (/\/packages\/[^/]+\/[^/]+\/versions$/.test(pathname)) return "rest:package-versions";
  if (/^\/orgs\/[^/]+\/packages/.test(pathname)) return "rest:packages";
  if (/^\/orgs\/[^/]+\/properties\/(schema|values)$/.test(pathname)) return "rest:custom-properties";
  return "rest:other";
}

export class RequestTap {
  private counts: TapCounts = { byPurpose: {}, manifestGets: [] };
  private original: typeof fetch | null = null;

  constructor(private readonly origin: string) {}

  install(): void {
    if (this.original) return;
    const original = globalThis.fetch;
    this.original = original;
    const tapped: typeof fetch = async (input, init) => {
      const req = input instanceof Request ? input : null;
      const url = new URL(req ? req.url : String(input));
      if (url.origin !== this.origin || url.pathname.startsWith("/__")) return original(input, init);
      const method = (init?.method ?? req?.method ?? "GET").toUpperCase();
      const purpose = classify(method, url.pathname, bodyText(init?.body));
      this.counts.byPurpose[purpose] = (this.counts.byPurpose[purpose] ?? 0) + 1;
      const res = await original(input, init);
      if (purpose === "registry:manifest-get" && res.ok) {
        const digest = res.headers.get("docker-content-digest");
        const name = url.pathname.replace(/^\/v2\//, "").replace(/\/manifests\/[^/]+$/, "");
        const ref = decodeURIComponent(url.pathname.split("/").pop() ?? "");
        // a GET by tag (a cold package's one request per tag) is marked: it is a tag read, not a digest fetch
        this.counts.manifestGets.push(`${name}@${digest ?? ref}${/^sha(256|512):/.test(ref) ? "" : " by-tag"}`);
      }
      return res;
    };
    globalThis.fetch = tapped;
  }

  uninstall(): void {
    if (this.original) globalThis.fetch = this.original;
    this.original = null;
  }

  /** Counts since the last take, then reset. */
  take(): TapCounts {
    const c = this.counts;
    this.counts = { byPurpose: {}, manifestGets: [] };
    return c;
  }
}

export function sumPurposes(c: TapCounts, purposes: RequestPurpose[]): number {
  return purposes.reduce((n, p) => n + (c.byPurpose[p] ?? 0), 0);
}
