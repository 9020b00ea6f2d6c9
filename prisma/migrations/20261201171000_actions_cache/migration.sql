-- CreateTable: a repository's GitHub Actions cache as the last scan read it (usage, limit, what its entries hold)
CREATE TABLE "ActionsCacheUsage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "repoId" INTEGER NOT NULL,
    "scanId" INTEGER NOT NULL,
    "readAt" DATETIME NOT NULL,
    "sizeBytes" BIGINT NOT NULL,
    "count" INTEGER NOT NULL,
    "limitBytes" BIGINT,
    "limitNote" TEXT,
    "listedAt" DATETIME,
    "entries" INTEGER,
    "listedBytes" BIGINT,
    "buildkitEntries" INTEGER,
    "buildkitBytes" BIGINT,
    "oldestCreatedAt" DATETIME,
    "listError" TEXT,
    CONSTRAINT "ActionsCacheUsage_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repo" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "ActionsCacheUsage_repoId_key" ON "ActionsCacheUsage"("repoId");
