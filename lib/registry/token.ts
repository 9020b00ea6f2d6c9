import { registerSecret } from "@/lib/github/redact";
import { type RetryPolicy, RegistryError, TransientError, networkFailure, readJson, transientOrText, withRetries } from "./http";

export interface TokenSource {
  /** a bearer token for `scope` from the realm; `fresh` drops the cached one (it was refused: expired) */
  get(realm: string, service: string | undefined, scope: string, fresh?: boolean): Promise<string>;
  /**
   * One token for several scopes (the token spec lets `scope` repeat), cached as each scope's token:
   * reading tags of many repositories costs one token request, not one per repository. A scope the
   * token turns out not to grant gets its own token on its 401, as any stale token does.
   */
  prefetch(realm: string, service: string | undefined, scopes: string[]): Promise<void>;
}

const REFUSED = "the token was refused; it needs the read:packages scope and access to the package";

/**
 * Bearer tokens from the registry's token endpoint (GHCR: GitHub token as the Basic password),
 * cached per realm, service and scope, with in-flight requests shared. A 429, 5xx, secondary rate
 * limit, dropped connection or unparseable answer is retried like any registry request; only a
 * real refusal (401/403 without rate-limit signs) is reported as a missing scope.
 */
export function createTokenSource(deps: {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  basic?: string;
  /** docker's identity token: an OAuth2 refresh token, traded with POST grant_type=refresh_token (distribution's OAuth2 token spec) */
  identityToken?: string;
  /** what a refusal means on this registry (default: GHCR's scope advice) */
  refused?: string;
  policy: RetryPolicy;
  /** the registry's base URL, for network error messages */
  base: string;
}): TokenSource {
  const tokens = new Map<string, Promise<string>>();

  async function requestOnce(url: string, scope: string): Promise<string> {
    const doing = `getting a pull token for ${scope}`;
    let res: Response;
    try {
      if (deps.identityToken) {
        const u = new URL(url);
        const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: deps.identityToken, client_id: "cacheguard" });
        for (const k of ["service", "scope"]) for (const v of u.searchParams.getAll(k)) form.append(k, v);
        res = await deps.fetch(`${u.origin}${u.pathname}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form.toString() });
      } else {
        res = await deps.fetch(url, { headers: deps.basic ? { Authorization: `Basic ${deps.basic}` } : {} });
      }
    } catch (err) {
      throw networkFailure(err, deps.base);
    }
    if (!res.ok) {
      const c = await transientOrText(res, doing);
      if ("transient" in c) throw c.transient;
      const refused = res.status === 401 || res.status === 403;
      const why = refused ? deps.refused ?? REFUSED : c.text ?? (await res.text().catch(() => res.statusText)).slice(0, 200);
      throw new RegistryError(`The registry refused a pull token for ${scope} (${res.status}): ${why}`, res.status, refused ? "DENIED" : undefined);
    }
    const json = (await readJson(res, doing)) as { token?: unknown; access_token?: unknown } | null;
    const t = typeof json?.token === "string" && json.token ? json.token : typeof json?.access_token === "string" ? json.access_token : "";
    registerSecret(t);
    if (!t) throw new TransientError(new RegistryError(`The registry's token endpoint answered without a token for ${scope}`, res.status));
    return t;
  }

  return {
    get(realm, service, scope, fresh = false) {
      const key = `${realm}|${service ?? ""}|${scope}`;
      if (fresh) tokens.delete(key);
      let p = tokens.get(key);
      if (!p) {
        const u = new URL(realm);
        if (service) u.searchParams.set("service", service);
        u.searchParams.set("scope", scope);
        p = withRetries(deps.policy, () => requestOnce(u.href, scope));
        tokens.set(key, p);
        // a failed token is not cached: the next request asks again
        p.catch(() => {
          if (tokens.get(key) === p) tokens.delete(key);
        });
      }
      return p;
    },
    async prefetch(realm, service, scopes) {
      const keyOf = (scope: string) => `${realm}|${service ?? ""}|${scope}`;
      const wanted = scopes.filter((sc) => !tokens.has(keyOf(sc)));
      if (wanted.length === 0) return;
      const u = new URL(realm);
      if (service) u.searchParams.set("service", service);
      for (const sc of wanted) u.searchParams.append("scope", sc);
      const p = withRetries(deps.policy, () => requestOnce(u.href, wanted.join(" ")));
      for (const sc of wanted) tokens.set(keyOf(sc), p);
      p.catch(() => {
        for (const sc of wanted) if (tokens.get(keyOf(sc)) === p) tokens.delete(keyOf(sc));
      });
      await p.catch(() => undefined); // a failure is each scope's own to report, on its request
    },
  };
}
