import { createGitHub } from "@/lib/github/client";
import { redact } from "@/lib/github/redact";
import { type Membership, checkOrgMembership } from "@/lib/auth/membership";
import { type Env, defaultOrg, githubAppFromEnv } from "@/lib/server/env";

/**
 * Re-checks org membership after sign-in with the server's own credential (the PAT or the GitHub
 * App installation), since the user's OAuth token is dropped at sign-in. A member's PAT with
 * `read:org`, or an App with the Members (read) permission, sees private memberships too.
 */
export function serverMembershipCheck(env: Env, fetchImpl: typeof fetch = fetch): (login: string, org?: string) => Promise<Membership> {
  const fallback = defaultOrg(env);
  const apiUrl = env.GITHUB_API_URL.replace(/\/+$/, "");
  if (env.GITHUB_TOKEN) {
    const token = env.GITHUB_TOKEN;
    return (login, org = fallback) => checkOrgMembership({ apiUrl, org, login, token }, fetchImpl);
  }
  const app = githubAppFromEnv(env);
  if ("app" in app && app.app) {
    const settings = app.app;
    // each org has its own installation (found by org); GITHUB_APP_INSTALLATION_ID is the default org's
    const clients = new Map<string, ReturnType<typeof createGitHub>>();
    const client = (org: string) => {
      const key = org.toLowerCase();
      let gh = clients.get(key);
      if (!gh) {
        gh = createGitHub({
          apiUrl, fetch: fetchImpl, maxRateLimitRetries: 0, retryBaseMs: 100,
          app: { ...settings, ...(org === fallback ? {} : { installationId: undefined }), org },
        });
        clients.set(key, gh);
      }
      return gh;
    };
    return async (login, org = fallback) => {
      const gh = client(org);
      try {
        // Octokit throws for anything but 204 (a 302 means "not a member" as well)
        await gh.octokit.request("GET /orgs/{org}/members/{username}", { org, username: login, request: { redirect: "manual" } });
        return { member: true };
      } catch (e) {
        const status = (e as { status?: number }).status;
        if (status === 404 || status === 302) return { member: false, reason: "not-member", message: `${login} is not a member of ${org}` };
        return { member: false, reason: "error", message: redact(gh.error(e).message, [env.GITHUB_APP_PRIVATE_KEY]) };
      }
    };
  }
  return async () => ({ member: false, reason: "error", message: "the server has no GitHub credential to check memberships with" });
}
