-- CreateTable: the last SARIF upload code scanning accepted for each repository
CREATE TABLE "CodeScanningUpload" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "repoName" TEXT NOT NULL,
    "headSha" TEXT NOT NULL,
    "ref" TEXT NOT NULL,
    "sarifHash" TEXT NOT NULL,
    "sarifId" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "results" INTEGER NOT NULL,
    "scanId" INTEGER NOT NULL,
    "uploadedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CodeScanningUpload_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable: the issue cacheguard keeps in each repository, and its state
CREATE TABLE "RepoIssue" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "repoName" TEXT NOT NULL,
    "number" INTEGER,
    "state" TEXT NOT NULL,
    "url" TEXT,
    "bodyHash" TEXT,
    "htmlUrl" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "RepoIssue_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "CodeScanningUpload_orgId_repoName_key" ON "CodeScanningUpload"("orgId", "repoName");

-- CreateIndex
CREATE UNIQUE INDEX "RepoIssue_orgId_repoName_key" ON "RepoIssue"("orgId", "repoName");
