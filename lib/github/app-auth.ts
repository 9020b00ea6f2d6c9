import { createAppAuth } from "@octokit/auth-app";
import { Octokit } from "@octokit/rest";
import { GitHubError, toGitHubError } from "./errors";
import { normalizeAppPrivateKey } from "./app-key";
import { redact, registerSecret } from "./redact";

export { AppKeyError, normalizeAppPrivateKey } from "./app-key";

/**
 * GitHub App authentication: the App's RS256 JWT (signed with its private key) is traded for an
 * installation token, which every org request then carries. @octokit/auth-app makes the JWTs,
 * asks for the tokens (one request at a time per installation) and caches them; its own cache keeps
 * a token for 59 minutes whatever its `expires_at` says, so it is given one here that drops a token
 * REFRESH_MARGIN_MS before GitHub's `expires_at`: the next request gets a fresh one and no request
 * carries a token about to expire.
 */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export interface AppAuthOptions {
  appId: string;
  /** PEM (PKCS#1 or PKCS#8), real or `\n`-escaped newlines; see normalizeAppPrivateKey */
  privateKey: string;
  /** the installation to act as; found with GET /orgs/{org}/installation when absent */
  installationId?: number;
  org?: string;
}

export interface AppCredentials {
  readonly appId: string;
  /** the installation (given, or found on the org once) */
  installationId(): Promise<number>;
  /** a live installation token, refreshed before it expires; throws a GitHubError saying what is wrong */
  token(): Promise<string>;
  /** the installation tokens obtained so far */
  readonly issued: number;
}

/** Why a token or installation request was refused, as a user can act on it (no key, JWT or token in it). */
function appError(err: unknown, appId: string, doing: string, installation?: number): GitHubError {
  const e = err as { status?: number; response?: { data?: { message?: unknown } }; message?: string };
  const said = typeof e.response?.data?.message === "string" ? e.response.data.message : undefined;
  if (e.status === 401) {
    return new GitHubError("auth",
      `GitHub refused the GitHub App's JWT while ${doing} (401${said ? `: ${said}` : ""}): GITHUB_APP_PRIVATE_KEY must be a current private key of the App whose id is GITHUB_APP_ID (${appId}), and this machine's clock must be right`, 401);
  }
  if (e.status === 404) {
    return new GitHubError("auth", installation !== undefined
      ? `GitHub App ${appId} has no installation ${installation} (404 while ${doing}): check GITHUB_APP_INSTALLATION_ID, or leave it unset to find the org's installation`
      : `GitHub App ${appId} is not installed on this organization (404 while ${doing}): install it on the organization, or set GITHUB_APP_INSTALLATION_ID`, 404);
  }
  if (e.status === 403) {
    return new GitHubError("auth", `GitHub refused the GitHub App ${appId} while ${doing} (403${said ? `: ${said}` : ""}); the installation may be suspended`, 403);
  }
  if (err instanceof Error && !("status" in err) && /key|pkcs|pem|decoder/i.test(err.message)) {
    // universal-github-app-jwt could not sign: the key, not GitHub
    return new GitHubError("auth", `The GitHub App's private key could not sign a JWT (${redact(err.message)})`);
  }
  return toGitHubError(err, { action: doing });
}

/** Cache values of @octokit/auth-app: "token|createdAt|expiresAt|…"; a token is dropped before GitHub's expires_at. */
function expiringCache(now: () => number) {
  const values = new Map<string, string>();
  return {
    // auth-app's type says string, its code takes a miss as undefined
    get(key: string): string {
      const v = values.get(key);
      if (!v) return undefined as unknown as string;
      const [, createdAt, expiresAt] = v.split("|");
      const created = Date.parse(createdAt);
      const expires = Date.parse(expiresAt);
      // GitHub's tokens live an hour: refresh 5 minutes before; a shorter life (a test's) is refreshed at half-life
      const life = expires - created;
      const margin = Number.isFinite(life) && life <= REFRESH_MARGIN_MS ? life / 2 : REFRESH_MARGIN_MS;
      if (!Number.isFinite(expires) || now() >= expires - margin) {
        values.delete(key);
        return undefined as unknown as string;
      }
      return v;
    },
    set(key: string, value: string): void {
      values.set(key, value);
    },
  };
}

/**
 * The App's credentials against `apiUrl`. `fetch` carries the token exchanges (and the installation
 * lookup): the caller counts them, and must not queue them behind requests that wait for a token.
 */
export function createAppCredentials(opts: AppAuthOptions & { apiUrl: string; fetch: typeof fetch; now?: () => number }): AppCredentials {
  const privateKey = normalizeAppPrivateKey(opts.privateKey);
  const now = opts.now ?? Date.now;
  let issued = 0;
  const exchanges: typeof fetch = async (input, init) => {
    const res = await opts.fetch(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (res.status === 201 && /\/access_tokens$/.test(url.split("?")[0])) issued++;
    return res;
  };
  // a plain Octokit's request (no auth, no retries): the App's own few requests, errors left to appError
  const quiet = () => {};
  const { request } = new Octokit({ baseUrl: opts.apiUrl.replace(/\/+$/, ""), userAgent: "cacheguard", request: { fetch: exchanges }, log: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
  const auth = createAppAuth({
    appId: opts.appId, privateKey, request, cache: expiringCache(now),
    // auth-app warns about clock skew it corrects; nothing of it is secret, but it is not ours to print
    log: { warn: () => {} },
  });
  let installation: Promise<number> | null = null;

  const discover = async (): Promise<number> => {
    if (opts.installationId !== undefined) return opts.installationId;
    if (!opts.org) throw new GitHubError("invalid", "GITHUB_APP_INSTALLATION_ID is not set and there is no organization to find the installation on");
    const doing = `finding the GitHub App's installation on '${opts.org}' (GET /orgs/${opts.org}/installation)`;
    try {
      const { token: jwt } = await auth({ type: "app" });
      registerSecret(jwt);
      const res = await request("GET /orgs/{org}/installation", { org: opts.org, headers: { authorization: `bearer ${jwt}` } });
      return res.data.id;
    } catch (err) {
      throw appError(err, opts.appId, doing);
    }
  };

  const installationId = () => {
    if (!installation) {
      const p = discover();
      installation = p;
      // a failed lookup is asked again next time (a long-lived client must recover)
      p.catch(() => {
        if (installation === p) installation = null;
      });
    }
    return installation;
  };

  return {
    appId: opts.appId,
    installationId,
    get issued() {
      return issued;
    },
    async token() {
      const id = await installationId();
      try {
        const a = await auth({ type: "installation", installationId: id });
        registerSecret(a.token);
        return a.token;
      } catch (err) {
        throw appError(err, opts.appId, `getting an installation token for installation ${id} (POST /app/installations/${id}/access_tokens)`, id);
      }
    },
  };
}
