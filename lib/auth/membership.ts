import { z } from "zod";
import { redact } from "@/lib/github/redact";

export type Membership = { member: true } | { member: false; reason: "not-member" | "error"; message: string };

const userSchema = z.object({ login: z.string(), id: z.number(), name: z.string().nullish(), avatar_url: z.string().nullish(), email: z.string().nullish() });
export type GitHubUser = z.infer<typeof userSchema>;

function headers(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, accept: "application/vnd.github+json", "user-agent": "cacheguard", "x-github-api-version": "2022-11-28" };
}

/** The signed-in user's profile (`GET /user`) with their OAuth token. */
export async function fetchUser(apiUrl: string, token: string, fetchImpl: typeof fetch = fetch): Promise<GitHubUser> {
  const res = await fetchImpl(`${apiUrl}/user`, { headers: headers(token), signal: AbortSignal.timeout(15_000) });
  if (!res.ok) throw new Error(`GitHub answered ${res.status} to GET /user`);
  return userSchema.parse(await res.json());
}

/**
 * Is `login` a member of `org`? Asked with the user's own token (scope read:org), so private
 * memberships count: GitHub answers 204 for a member, 404 otherwise (a non-member asking is
 * redirected to the public-members check, which fetch follows and which also says 404).
 */
export async function checkOrgMembership(
  opts: { apiUrl: string; org: string; login: string; token: string },
  fetchImpl: typeof fetch = fetch,
): Promise<Membership> {
  const url = `${opts.apiUrl}/orgs/${encodeURIComponent(opts.org)}/members/${encodeURIComponent(opts.login)}`;
  try {
    const res = await fetchImpl(url, { headers: headers(opts.token), signal: AbortSignal.timeout(15_000) });
    if (res.status === 204) return { member: true };
    if (res.status === 404 || res.status === 302) {
      return { member: false, reason: "not-member", message: `${opts.login} is not a member of ${opts.org}` };
    }
    return { member: false, reason: "error", message: `GitHub answered ${res.status} to the membership check` };
  } catch (e) {
    return { member: false, reason: "error", message: redact(e instanceof Error ? e.message : String(e), [opts.token]) };
  }
}
