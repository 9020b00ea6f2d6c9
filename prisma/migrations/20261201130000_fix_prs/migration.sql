-- CreateTable: fix pull requests cacheguard opened, and their state as the last scan read it
CREATE TABLE "FixPullRequest" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "repoName" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "apiUrl" TEXT NOT NULL,
    "branch" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "headSha" TEXT NOT NULL,
    "fingerprints" TEXT NOT NULL DEFAULT '[]',
    "files" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "checkedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "mergedAt" DATETIME,
    "closedAt" DATETIME,
    CONSTRAINT "FixPullRequest_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "FixPullRequest_orgId_repoName_number_key" ON "FixPullRequest"("orgId", "repoName", "number");

-- CreateIndex
CREATE INDEX "FixPullRequest_orgId_repoName_state_idx" ON "FixPullRequest"("orgId", "repoName", "state");
