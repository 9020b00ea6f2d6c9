-- CreateTable
CREATE TABLE "Org" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "login" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Repo" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "defaultBranch" TEXT NOT NULL DEFAULT 'main',
    "headSha" TEXT,
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "fork" BOOLEAN NOT NULL DEFAULT false,
    "private" BOOLEAN NOT NULL DEFAULT false,
    "pushedAt" DATETIME,
    "scannedHeadSha" TEXT,
    "lastCompleteScanId" INTEGER,
    "lastError" TEXT,
    CONSTRAINT "Repo_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SourceFile" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "repoId" INTEGER NOT NULL,
    "path" TEXT NOT NULL,
    "sha" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    CONSTRAINT "SourceFile_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repo" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Package" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "updatedAt" DATETIME,
    "visibility" TEXT,
    "repoName" TEXT,
    CONSTRAINT "Package_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PackageTag" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "packageId" INTEGER NOT NULL,
    "tag" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "platforms" TEXT NOT NULL DEFAULT '[]',
    "reason" TEXT NOT NULL DEFAULT '',
    "seenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PackageTag_packageId_fkey" FOREIGN KEY ("packageId") REFERENCES "Package" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ManifestKind" (
    "digest" TEXT NOT NULL PRIMARY KEY,
    "mediaType" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "platforms" TEXT NOT NULL DEFAULT '[]',
    "reason" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Scan" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "activeKey" TEXT,
    "phase" TEXT NOT NULL DEFAULT '',
    "reposTotal" INTEGER NOT NULL DEFAULT 0,
    "reposDone" INTEGER NOT NULL DEFAULT 0,
    "reposSkipped" INTEGER NOT NULL DEFAULT 0,
    "restRequests" INTEGER NOT NULL DEFAULT 0,
    "graphqlRequests" INTEGER NOT NULL DEFAULT 0,
    "registryRequests" INTEGER NOT NULL DEFAULT 0,
    "newCount" INTEGER NOT NULL DEFAULT 0,
    "resolvedCount" INTEGER NOT NULL DEFAULT 0,
    "openCount" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "repoErrors" TEXT NOT NULL DEFAULT '[]',
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    CONSTRAINT "Scan_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Finding" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "repoId" INTEGER,
    "fingerprint" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "confidence" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "column" INTEGER NOT NULL,
    "ref" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "fixDescription" TEXT,
    "fixDiff" TEXT,
    "related" TEXT NOT NULL DEFAULT '[]',
    "firstSeenScanId" INTEGER NOT NULL,
    "lastSeenScanId" INTEGER NOT NULL,
    "resolvedScanId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Finding_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Finding_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repo" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Suppression" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER,
    "fingerprint" TEXT,
    "ruleId" TEXT,
    "reason" TEXT NOT NULL,
    "expiresAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Org_login_key" ON "Org"("login");

-- CreateIndex
CREATE UNIQUE INDEX "Repo_orgId_name_key" ON "Repo"("orgId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "SourceFile_repoId_path_key" ON "SourceFile"("repoId", "path");

-- CreateIndex
CREATE UNIQUE INDEX "Package_orgId_name_key" ON "Package"("orgId", "name");

-- CreateIndex
CREATE INDEX "PackageTag_kind_idx" ON "PackageTag"("kind");

-- CreateIndex
CREATE UNIQUE INDEX "PackageTag_packageId_tag_key" ON "PackageTag"("packageId", "tag");

-- CreateIndex
CREATE UNIQUE INDEX "Scan_activeKey_key" ON "Scan"("activeKey");

-- CreateIndex
CREATE INDEX "Scan_orgId_startedAt_idx" ON "Scan"("orgId", "startedAt");

-- CreateIndex
CREATE INDEX "Finding_orgId_resolvedScanId_severity_idx" ON "Finding"("orgId", "resolvedScanId", "severity");

-- CreateIndex
CREATE INDEX "Finding_orgId_ruleId_idx" ON "Finding"("orgId", "ruleId");

-- CreateIndex
CREATE INDEX "Finding_repoId_idx" ON "Finding"("repoId");

-- CreateIndex
CREATE INDEX "Finding_firstSeenScanId_idx" ON "Finding"("firstSeenScanId");

-- CreateIndex
CREATE UNIQUE INDEX "Finding_orgId_fingerprint_key" ON "Finding"("orgId", "fingerprint");
