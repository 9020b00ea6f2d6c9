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
  /** the configured org: a session opened for another org does not count */
  org: string;
  /** asks GitHub (with the server's credential) whether `login` is a member of `org` */
  checkMember: (login: string) => Promise<Membership>;
  now?: () => Date;
  ttlMs?: number;
}

export async function openSession(db: Db, login: string, org: string, now: Date = new Date()): Promise<string> {
  const id = randomBytes(32).toString("base64url");
  await db.authSession.create({
    data: { id, login, org, createdAt: now, expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_S * 1000), memberCheckedAt: now },
  });
  return id;
}

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
  if (!row || row.org !== deps.org) return { ok: false, reason: "unknown", message: "This session is not known to the server; sign in again." };
  if (row.revokedAt) {
    return row.revokedReason === "not-member"
      ? { ok: false, reason: "not-member", message: `${row.login} is no longer a member of ${deps.org}.` }
      : { ok: false, reason: "revoked", message: "This session was signed out; sign in again." };
  }
  if (row.expiresAt <= now) return { ok: false, reason: "expired", message: "This session has expired; sign in again." };
  if (now.getTime() - row.memberCheckedAt.getTime() < ttl) return { ok: true, login: row.login };

  let pending = inFlight.get(id);
  if (!pending) {
    pending = deps.checkMember(row.login).finally(() => inFlight.delete(id));
    inFlight.set(id, pending);
  }
  const m = await pending;
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
