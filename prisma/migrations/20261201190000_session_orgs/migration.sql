-- Several organizations per deployment: a session's membership of the orgs it did not sign in for.
CREATE TABLE "AuthSessionOrg" (
    "sessionId" TEXT NOT NULL,
    "org" TEXT NOT NULL,
    "member" BOOLEAN NOT NULL,
    "checkedAt" DATETIME NOT NULL,

    PRIMARY KEY ("sessionId", "org"),
    CONSTRAINT "AuthSessionOrg_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "AuthSession" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
