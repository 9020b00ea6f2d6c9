import type { NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import { readAuthConfig } from "@/lib/auth/config";
import type { Membership } from "@/lib/auth/membership";
import { serverMembershipCheck } from "@/lib/auth/server-membership";
import { checkSession } from "@/lib/auth/sessions";
import { getDb, type Db } from "@/lib/server/db";
import { configProblem, configuredOrgs, isDemoMode, readEnv } from "@/lib/server/env";
import { ORG_PARAM } from "@/lib/http/org-param";
import { chooseOrg } from "@/lib/server/orgs";
import { storageErrorMessage } from "@/lib/server/storage-errors";

/**
 * Who may see this request's answer: the one access decision that proxy.ts (for pages) and every
 * API route handler (through app/api/_lib/route.ts) apply. Demo mode is open; anywhere else the
 * request needs a next-auth session whose server-side record is alive and whose user GitHub still
 * counts as a member of the org (asked again at most every 10 minutes).
 */
export type Viewer = { login: string } | null;

export type AccessDenied = {
  ok: false;
  status: 401 | 403 | 503;
  error: string;
  /** for pages: which sign-in message to show */
  reason: "config" | "signed-out" | "not-member" | "membership-check";
  login?: string;
  /** the org the refusal is about (several orgs: a member of one may not be of another) */
  org?: string;
};
/**
 * `org`: the configured org the request's `?org=` names (the default when absent); `unknownOrg`:
 * what `?org=` said when it names no configured org (the caller answers 404; access was checked
 * against the default org, so only its members learn which orgs are configured).
 */
export type Access = { ok: true; viewer: Viewer; org?: string; unknownOrg?: string } | AccessDenied;

export interface AccessDeps {
  /** "cookie": only look for a valid session cookie (proxy.ts, ahead of the route's full check) */
  depth?: "full" | "cookie";
  db?: Db;
  checkMember?: (login: string, org: string) => Promise<Membership>;
}

type MemberCheck = (login: string, org: string) => Promise<Membership>;
let cachedChecker: { key: string; check: MemberCheck } | null = null;

function memberChecker(env: ReturnType<typeof readEnv>): MemberCheck {
  const key = [configuredOrgs(env).join(","), env.GITHUB_API_URL, env.GITHUB_TOKEN, env.GITHUB_APP_ID, env.GITHUB_APP_INSTALLATION_ID, env.GITHUB_APP_PRIVATE_KEY_FILE].join("\n");
  if (cachedChecker?.key !== key) cachedChecker = { key, check: serverMembershipCheck(env) };
  return cachedChecker.check;
}

const SIGN_IN = "Sign in with GitHub to use the cacheguard API.";

export async function checkAccess(req: NextRequest, deps: AccessDeps = {}): Promise<Access> {
  let env;
  try {
    env = readEnv();
  } catch (e) {
    return { ok: false, status: 503, error: e instanceof Error ? e.message : "The server is misconfigured.", reason: "config" };
  }
  const problem = configProblem(env);
  if (problem) return { ok: false, status: 503, error: problem, reason: "config" };
  const choice = chooseOrg(env, req.nextUrl.searchParams.get(ORG_PARAM));
  const org = choice.ok ? choice.login : configuredOrgs(env)[0];
  const where = choice.ok ? { org } : { org, unknownOrg: choice.requested };
  if (isDemoMode(env)) return { ok: true, viewer: null, ...where };
  let secret: string;
  try {
    secret = readAuthConfig().secret;
  } catch (e) {
    // fail closed: a misconfigured server shows no data (the message names variables, never values)
    return { ok: false, status: 503, error: e instanceof Error ? e.message : "Sign-in is not configured.", reason: "config" };
  }
  const token = await getToken({ req, secret }).catch(() => null);
  if (!token) return { ok: false, status: 401, error: SIGN_IN, reason: "signed-out" };
  const sid = typeof token.sid === "string" ? token.sid : undefined;
  if (deps.depth === "cookie") {
    return sid ? { ok: true, viewer: { login: String(token.login ?? "") }, ...where } : { ok: false, status: 401, error: SIGN_IN, reason: "signed-out" };
  }
  try {
    const s = await checkSession(sid, {
      db: deps.db ?? getDb(), org, orgs: configuredOrgs(env), checkMember: deps.checkMember ?? memberChecker(env), ttlMs: env.CACHEGUARD_MEMBERSHIP_TTL_SECONDS * 1000,
    });
    if (s.ok) return { ok: true, viewer: { login: s.login }, ...where };
    const login = typeof token.login === "string" ? token.login : undefined;
    if (s.reason === "not-member") return { ok: false, status: 403, error: s.message, reason: "not-member", login, org };
    if (s.reason === "check-failed") return { ok: false, status: 503, error: s.message, reason: "membership-check", login, org };
    return { ok: false, status: 401, error: `${s.message} ${SIGN_IN}`, reason: "signed-out" };
  } catch (e) {
    console.error("[auth] session check failed:", e instanceof Error ? e.message : e);
    return { ok: false, status: 503, error: storageErrorMessage(e), reason: "membership-check" };
  }
}
