-- CreateTable: problems (findings about one broken ref in one place, grouped at scan time)
CREATE TABLE "Problem" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "repoId" INTEGER,
    "ref" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "why" TEXT NOT NULL,
    "primaryFindingId" INTEGER,
    "firstSeenScanId" INTEGER NOT NULL,
    "lastSeenScanId" INTEGER NOT NULL,
    "resolvedScanId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "openedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" DATETIME,
    CONSTRAINT "Problem_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Problem_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repo" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Problem_orgId_key_key" ON "Problem"("orgId", "key");

-- CreateIndex
CREATE INDEX "Problem_orgId_resolvedScanId_rank_idx" ON "Problem"("orgId", "resolvedScanId", "rank");

-- CreateIndex
CREATE INDEX "Problem_repoId_idx" ON "Problem"("repoId");

-- AlterTable: each finding's problem (NULL until the next scan groups it)
ALTER TABLE "Finding" ADD COLUMN "problemId" INTEGER REFERENCES "Problem" ("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX "Finding_problemId_idx" ON "Finding"("problemId");

-- AlterTable: problems opened, fixed and open per scan (NULL for scans that did not group)
ALTER TABLE "Scan" ADD COLUMN "problemsOpened" INTEGER;
ALTER TABLE "Scan" ADD COLUMN "problemsFixed" INTEGER;
ALTER TABLE "Scan" ADD COLUMN "problemsOpen" INTEGER;

-- AlterTable: owner team of each repository, and where it comes from
ALTER TABLE "Repo" ADD COLUMN "team" TEXT;
ALTER TABLE "Repo" ADD COLUMN "teamSource" TEXT;
ALTER TABLE "Repo" ADD COLUMN "codeownersTeam" TEXT;
ALTER TABLE "Repo" ADD COLUMN "codeownersPath" TEXT;
