import type { NextAuthOptions, Profile } from "next-auth";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { type AuthConfig, readAuthConfig } from "@/lib/auth/config";
import { type GitHubUser, type Membership, checkOrgMembership, fetchUser } from "@/lib/auth/membership";
import { redact, registerSecret } from "@/lib/github/redact";
import { SESSION_MAX_AGE_S, openSession, revokeSession } from "@/lib/auth/sessions";
import { getDb, type Db } from "@/lib/server/db";

/** Where the sign-in page and the refusal live (our own page, not next-auth's default). */
export const SIGN_IN_PATH = "/signin";

/**
 * "Sign in with GitHub" through any GitHub-compatible host: github.com, GHES, or the fake server.
 * Built on the generic OAuth provider because next-auth's GitHub provider hard-codes github.com.
 */
export function gitHubProvider(cfg: AuthConfig): OAuthConfig<GitHubUser> {
  return {
    id: "github",
    name: "GitHub",
    type: "oauth",
    issuer: `${cfg.oauthUrl}/login/oauth`,
    // read:org so a private membership is visible to the membership check
    authorization: { url: `${cfg.oauthUrl}/login/oauth/authorize`, params: { scope: "read:user read:org" } },
    token: `${cfg.oauthUrl}/login/oauth/access_token`,
    userinfo: {
      url: `${cfg.apiUrl}/user`,
      async request({ tokens }) {
        // the GitHub user object is the profile; its nullable fields do not fit next-auth's Profile type
        return (await fetchUser(cfg.apiUrl, tokens.access_token ?? "")) as unknown as Profile;
      },
    },
    checks: ["state"],
    clientId: cfg.clientId,
    clientSecret: cfg.clientSecret,
    profile(p) {
      return { id: String(p.id), name: p.name ?? p.login, email: p.email ?? null, image: p.avatar_url ?? null };
    },
  };
}

function deniedUrl(kind: "not-member" | "membership-check", login: string): string {
  return `${SIGN_IN_PATH}?${new URLSearchParams({ error: kind, login })}`;
}

type OrgAnswers = Array<{ org: string; m: Membership }>;
// signIn's answers for jwt, which next-auth calls next with the same `account` object
const answersByAccount = new WeakMap<object, OrgAnswers>();

/** Asks GitHub, with the user's token (private memberships count), about each configured org until one says member. */
async function memberships(cfg: AuthConfig, login: string, token: string): Promise<OrgAnswers> {
  const out: OrgAnswers = [];
  for (const org of cfg.orgs) {
    const m = await checkOrgMembership({ apiUrl: cfg.apiUrl, org, login, token });
    out.push({ org, m });
    if (m.member) break;
  }
  return out;
}

/** next-auth options for the configured org; throws (without values) when sign-in is not configured. */
export function buildAuthOptions(cfg: AuthConfig = readAuthConfig(), deps: { db?: () => Db } = {}): NextAuthOptions {
  const db = deps.db ?? getDb;
  registerSecret(cfg.clientSecret);
  registerSecret(cfg.secret);
  const log = (level: "error" | "warn", code: string, meta?: unknown) => {
    const text = meta instanceof Error ? meta.message : meta === undefined ? "" : JSON.stringify(meta);
    console[level](redact(`[auth] ${code} ${text}`.trim(), [cfg.clientSecret, cfg.secret]));
  };
  return {
    secret: cfg.secret,
    providers: [gitHubProvider(cfg)],
    // The cookie is a JWT holding a server-side session id (lib/auth/sessions.ts), so sign-out and
    // a lost membership end the session on the server; the user's GitHub token is stored nowhere.
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: SIGN_IN_PATH, error: SIGN_IN_PATH },
    logger: {
      error: (code, meta) => log("error", code, meta),
      warn: (code) => log("warn", code),
      debug: () => {},
    },
    events: {
      async signOut({ token }) {
        const sid = (token as { sid?: unknown } | null)?.sid;
        if (typeof sid === "string") await revokeSession(db(), sid);
      },
    },
    callbacks: {
      async signIn({ account, profile }) {
        const login = (profile as GitHubUser | undefined)?.login;
        if (account?.provider !== "github" || !account.access_token || !login) return deniedUrl("membership-check", login ?? "");
        // several orgs: a member of any configured org signs in; each org's pages check their own membership
        const answers = await memberships(cfg, login, account.access_token);
        answersByAccount.set(account, answers);
        if (answers.some((a) => a.m.member)) return true;
        const failed = answers.find((a) => !a.m.member && a.m.reason === "error");
        if (failed && !failed.m.member) log("warn", "MEMBERSHIP_CHECK_FAILED", failed.m.message);
        return deniedUrl(failed ? "membership-check" : "not-member", login);
      },
      async jwt({ token, profile, account }) {
        // only the login and the session id are kept; the OAuth access token is dropped after the
        // membership check. `profile` is there only at sign-in: that is when the session opens.
        const login = (profile as GitHubUser | undefined)?.login;
        if (login) {
          token.login = login;
          // one org: signIn confirmed it. Several: the first org signIn found the user a member of
          let answers = account ? answersByAccount.get(account) : undefined;
          if (!answers && cfg.orgs.length > 1 && account?.access_token) answers = await memberships(cfg, login, account.access_token);
          const home = answers?.find((a) => a.m.member)?.org ?? cfg.org;
          const others = (answers ?? []).filter((a) => a.org !== home && (a.m.member || a.m.reason === "not-member")).map((a) => ({ org: a.org, member: a.m.member }));
          token.sid = await openSession(db(), login, home, new Date(), others);
        }
        return token;
      },
      async session({ session, token }) {
        const login = typeof token.login === "string" ? token.login : undefined;
        return { ...session, user: { ...session.user, login } };
      },
    },
  };
}
