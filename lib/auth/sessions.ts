import { randomBytes } from "node:crypto";
import type { Db } from "@/lib/server/db";
import type { Membership } from "@/lib/auth/membership";

/**
 * Server-side sessions. The cookie is a next-auth JWT that carries the session id (`sid`); this
 * table decides whether that session still counts. Sign-out revokes it, and the org membership
 * behind it is re-confirmed with GitHub at most every MEMBERSHIP_TTL_MS, so a member removed
 * from the org loses access within that time, and a stolen cookie dies with its sign-out.
 */
export const SESSION_MAX_AGE_S = 8 * 60 * 60;
export const MEMBERSHIP_TTL_MS = 10 * 60 * 1000;

export type SessionCheck =
  | { ok: true; login: string }
  | { ok: false; reason: "unknown" | "revoked" | "expired" | "not-member" | "check-failed"; message: string };

export interface SessionDeps {
  db: Db;
  /** the org being viewed (a configured one) */
  org: string;
  /** every configured org (default: just `org`): a session opened for an org not among them does not count */
  orgs?: string[];
  /** asks GitHub (with the server's credential) whether `login` is a member of `org` */
  checkMember: (login: string, org: string) => Promise<Membership>;
  now?: () => Date;
  ttlMs?: number;
}

/**
 * A session for `org`, the org sign-in confirmed first; `others` are the answers sign-in got for the
 * other configured orgs (with the user's own token, which sees private memberships), kept so the
 * first look at those orgs does not ask GitHub again.
 */
export async function openSession(db: Db, login: string, org: string, now: Date = new Date(), others: Array<{ org: string; member: boolean }> = []): Promise<string> {
  const id = randomBytes(32).toString("base64url");
  await db.authSession.create({
    data: {
      id, login, org, createdAt: now, expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_S * 1000), memberCheckedAt: now,
      otherOrgs: { create: others.filter((o) => !sameOrg(o.org, org)).map((o) => ({ org: o.org.toLowerCase(), member: o.member, checkedAt: now })) },
    },
  });
  return id;
}

const sameOrg = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export async function revokeSession(db: Db, id: string, now: Date = new Date()): Promise<void> {
  await db.authSession.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now, revokedReason: "sign-out" } });
}

// one membership question in flight per session, however many requests arrive at once
const inFlight = new Map<string, Promise<Membership>>();

export async function checkSession(id: string | undefined, deps: SessionDeps): Promise<SessionCheck> {
  const now = (deps.now ?? (() => new Date()))();
  const ttl = deps.ttlMs ?? MEMBERSHIP_TTL_MS;
  if (!id) return { ok: false, reason: "unknown", message: "This session is not known to the server; sign in again." };
  const row = await deps.db.authSession.findUnique({ where: { id } });
  if (!row || !(deps.orgs ?? [deps.org]).some((o) => sameOrg(o, row.org))) return { ok: false, reason: "unknown", message: "This session is not known to the server; sign in again." };
  if (row.revokedAt) {
    return row.revokedReason === "not-member"
      ? { ok: false, reason: "not-member", message: `${row.login} is no longer a member of ${row.org}.` }
      : { ok: false, reason: "revoked", message: "This session was signed out; sign in again." };
  }
  if (row.expiresAt <= now) return { ok: false, reason: "expired", message: "This session has expired; sign in again." };
  if (!sameOrg(row.org, deps.org)) return checkOtherOrg(id, row.login, deps, now, ttl);
  if (now.getTime() - row.memberCheckedAt.getTime() < ttl) return { ok: true, login: row.login };

  const m = await askOnce(id, row.org, () => deps.checkMember(row.login, row.org));
  if (m.member) {
    await deps.db.authSession.updateMany({ where: { id, memberCheckedAt: { lt: now } }, data: { memberCheckedAt: now } });
    return { ok: true, login: row.login };
  }
  if (m.reason === "not-member") {
    await deps.db.authSession.updateMany({ where: { login: row.login, org: deps.org, revokedAt: null }, data: { revokedAt: now, revokedReason: "not-member" } });
    return { ok: false, reason: "not-member", message: `${row.login} is no longer a member of ${deps.org}.` };
  }
  // GitHub could not answer: no access now, but the session stays, so the next request asks again
  return { ok: false, reason: "check-failed", message: `GitHub did not confirm that ${row.login} is still a member of ${deps.org}; try again in a minute.` };
}

function askOnce(id: string, org: string, ask: () => Promise<Membership>): Promise<Membership> {
  const key = `${id}\n${org.toLowerCase()}`;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = ask().finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

/**
 * A configured org the session did not sign in for: its own membership answer, cached for the TTL
 * like the sign-in org's. "Not a member" refuses this org only; the session goes on for the others.
 */
async function checkOtherOrg(id: string, login: string, deps: SessionDeps, now: Date, ttl: number): Promise<SessionCheck> {
  const org = deps.org.toLowerCase();
  const notMember: SessionCheck = { ok: false, reason: "not-member", message: `${login} is not a member of ${deps.org}.` };
  const cached = await deps.db.authSessionOrg.findUnique({ where: { sessionId_org: { sessionId: id, org } } });
  if (cached && now.getTime() - cached.checkedAt.getTime() < ttl) return cached.member ? { ok: true, login } : notMember;
  const m = await askOnce(id, org, () => deps.checkMember(login, deps.org));
  if (!m.member && m.reason === "error") {
    return { ok: false, reason: "check-failed", message: `GitHub did not confirm that ${login} is a member of ${deps.org}; try again in a minute.` };
  }
  await deps.db.authSessionOrg.upsert({
    where: { sessionId_org: { sessionId: id, org } },
    create: { sessionId: id, org, member: m.member, checkedAt: now },
    update: { member: m.member, checkedAt: now },
  });
  return m.member ? { ok: true, login } : notMember;
}
