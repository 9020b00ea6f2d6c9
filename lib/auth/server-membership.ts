import { createGitHub } from "@/lib/github/client";
import { redact } from "@/lib/github/redact";
import { type Membership, checkOrgMembership } from "@/lib/auth/membership";
import { type Env, githubAppFromEnv } from "@/lib/server/env";

/**
 * Re-checks org membership after sign-in with the server's own credential (the PAT or the GitHub
 * App installation), since the user's OAuth token is dropped at sign-in. A member's PAT with
 * `read:org`, or an App with the Members (read) permission, sees private memberships too.
 */
export function serverMembershipCheck(env: Env, fetchImpl: typeof fetch = fetch): (login: string) => Promise<Membership> {
  const org = env.CACHEGUARD_ORG ?? "";
  const apiUrl = env.GITHUB_API_URL.replace(/\/+$/, "");
  if (env.GITHUB_TOKEN) {
    const token = env.GITHUB_TOKEN;
    return (login) => checkOrgMembership({ apiUrl, org, login, token }, fetchImpl);
  }
  const app = githubAppFromEnv(env);
  if ("app" in app && app.app) {
    const gh = createGitHub({
      apiUrl, fetch: fetchImpl, maxRateLimitRetries: 0, retryBaseMs: 100,
      app: { ...app.app, org },
    });
    return async (login) => {
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
