-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Org" (
    "id" SERIAL NOT NULL,
    "login" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Org_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Repo" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "defaultBranch" TEXT NOT NULL DEFAULT 'main',
    "headSha" TEXT,
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "fork" BOOLEAN NOT NULL DEFAULT false,
    "private" BOOLEAN NOT NULL DEFAULT false,
    "pushedAt" TIMESTAMP(3),
    "scannedHeadSha" TEXT,
    "lastCompleteScanId" INTEGER,
    "lastError" TEXT,
    "unreadFiles" TEXT NOT NULL DEFAULT '[]',
    "buildMap" TEXT,
    "goneScanId" INTEGER,
    "team" TEXT,
    "teamSource" TEXT,
    "codeownersTeam" TEXT,
    "codeownersPath" TEXT,

    CONSTRAINT "Repo_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActionsCacheUsage" (
    "id" SERIAL NOT NULL,
    "repoId" INTEGER NOT NULL,
    "scanId" INTEGER NOT NULL,
    "readAt" TIMESTAMP(3) NOT NULL,
    "sizeBytes" BIGINT NOT NULL,
    "count" INTEGER NOT NULL,
    "limitBytes" BIGINT,
    "limitNote" TEXT,
    "listedAt" TIMESTAMP(3),
    "entries" INTEGER,
    "listedBytes" BIGINT,
    "buildkitEntries" INTEGER,
    "buildkitBytes" BIGINT,
    "oldestCreatedAt" TIMESTAMP(3),
    "listError" TEXT,

    CONSTRAINT "ActionsCacheUsage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SourceFile" (
    "id" SERIAL NOT NULL,
    "repoId" INTEGER NOT NULL,
    "path" TEXT NOT NULL,
    "sha" TEXT NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "SourceFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Package" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),
    "visibility" TEXT,
    "repoName" TEXT,
    "versionCount" INTEGER,
    "versionsPass" INTEGER NOT NULL DEFAULT 0,
    "versionsNextPage" INTEGER NOT NULL DEFAULT 0,
    "versionsPassFor" TIMESTAMP(3),
    "versionsCompleteAt" TIMESTAMP(3),
    "versionsCompleteCount" INTEGER,
    "versionsReadAt" TIMESTAMP(3),
    "storage" TEXT,

    CONSTRAINT "Package_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PackageVersion" (
    "id" SERIAL NOT NULL,
    "packageId" INTEGER NOT NULL,
    "versionId" BIGINT NOT NULL,
    "digest" TEXT NOT NULL,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "pass" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "PackageVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PackageTag" (
    "id" SERIAL NOT NULL,
    "packageId" INTEGER NOT NULL,
    "tag" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "platforms" TEXT NOT NULL DEFAULT '[]',
    "reason" TEXT NOT NULL DEFAULT '',
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PackageTag_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RegistryRef" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "ref" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "scanId" INTEGER NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RegistryRef_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ManifestKind" (
    "digest" TEXT NOT NULL,
    "mediaType" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "platforms" TEXT NOT NULL DEFAULT '[]',
    "reason" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "refs" TEXT,

    CONSTRAINT "ManifestKind_pkey" PRIMARY KEY ("digest")
);

-- CreateTable
CREATE TABLE "Scan" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL,
    "scope" TEXT,
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
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "pid" INTEGER,
    "hostname" TEXT,
    "heartbeatAt" TIMESTAMP(3),
    "filesTotal" INTEGER,
    "filesAnalysed" INTEGER,
    "problemsOpened" INTEGER,
    "problemsFixed" INTEGER,
    "problemsOpen" INTEGER,
    "openErrors" INTEGER,
    "openWarnings" INTEGER,
    "openNotes" INTEGER,

    CONSTRAINT "Scan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScanJob" (
    "id" SERIAL NOT NULL,
    "scanId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "batch" INTEGER NOT NULL,
    "input" TEXT NOT NULL DEFAULT '{}',
    "result" TEXT,
    "done" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "ScanJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" SERIAL NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "action" TEXT,
    "repo" TEXT,
    "package" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL,
    "work" TEXT NOT NULL DEFAULT '[]',
    "scanId" INTEGER,
    "message" TEXT NOT NULL DEFAULT '',
    "appliedAt" TIMESTAMP(3),

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScanAction" (
    "id" SERIAL NOT NULL,
    "scanId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "message" TEXT NOT NULL DEFAULT '',
    "url" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ScanAction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FileIssue" (
    "id" SERIAL NOT NULL,
    "scanId" INTEGER NOT NULL,
    "repoId" INTEGER,
    "path" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "line" INTEGER,

    CONSTRAINT "FileIssue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Finding" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "repoId" INTEGER,
    "fingerprint" TEXT NOT NULL,
    "locationKey" TEXT,
    "ruleId" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "severityRank" INTEGER NOT NULL,
    "confidence" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "column" INTEGER NOT NULL,
    "ref" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "fixDescription" TEXT,
    "fixDiff" TEXT,
    "related" TEXT NOT NULL DEFAULT '[]',
    "suppressedBy" TEXT,
    "suppressionReason" TEXT,
    "suppressedAt" TEXT,
    "suppressedUntil" TIMESTAMP(3),
    "firstSeenScanId" INTEGER NOT NULL,
    "lastSeenScanId" INTEGER NOT NULL,
    "resolvedScanId" INTEGER,
    "problemId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Finding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Problem" (
    "id" SERIAL NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "Problem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Suppression" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER,
    "fingerprint" TEXT,
    "ruleId" TEXT,
    "reason" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT,
    "revokedAt" TIMESTAMP(3),
    "revokedBy" TEXT,

    CONSTRAINT "Suppression_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FixPullRequest" (
    "id" SERIAL NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "checkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "mergedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "FixPullRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CodeScanningUpload" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "repoName" TEXT NOT NULL,
    "headSha" TEXT NOT NULL,
    "ref" TEXT NOT NULL,
    "sarifHash" TEXT NOT NULL,
    "sarifId" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "results" INTEGER NOT NULL,
    "scanId" INTEGER NOT NULL,
    "uploadedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CodeScanningUpload_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RepoIssue" (
    "id" SERIAL NOT NULL,
    "orgId" INTEGER NOT NULL,
    "repoName" TEXT NOT NULL,
    "number" INTEGER,
    "state" TEXT NOT NULL,
    "url" TEXT,
    "bodyHash" TEXT,
    "htmlUrl" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RepoIssue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "AuthSession" (
    "id" TEXT NOT NULL,
    "login" TEXT NOT NULL,
    "org" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "revokedReason" TEXT,
    "memberCheckedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuthSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuthSessionOrg" (
    "sessionId" TEXT NOT NULL,
    "org" TEXT NOT NULL,
    "member" BOOLEAN NOT NULL,
    "checkedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuthSessionOrg_pkey" PRIMARY KEY ("sessionId","org")
);

-- CreateIndex
CREATE UNIQUE INDEX "Org_login_key" ON "Org"("login");

-- CreateIndex
CREATE UNIQUE INDEX "Repo_orgId_name_key" ON "Repo"("orgId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ActionsCacheUsage_repoId_key" ON "ActionsCacheUsage"("repoId");

-- CreateIndex
CREATE UNIQUE INDEX "SourceFile_repoId_path_key" ON "SourceFile"("repoId", "path");

-- CreateIndex
CREATE UNIQUE INDEX "Package_orgId_name_key" ON "Package"("orgId", "name");

-- CreateIndex
CREATE INDEX "PackageVersion_packageId_digest_idx" ON "PackageVersion"("packageId", "digest");

-- CreateIndex
CREATE UNIQUE INDEX "PackageVersion_packageId_versionId_key" ON "PackageVersion"("packageId", "versionId");

-- CreateIndex
CREATE INDEX "PackageTag_kind_idx" ON "PackageTag"("kind");

-- CreateIndex
CREATE UNIQUE INDEX "PackageTag_packageId_tag_key" ON "PackageTag"("packageId", "tag");

-- CreateIndex
CREATE INDEX "RegistryRef_orgId_host_idx" ON "RegistryRef"("orgId", "host");

-- CreateIndex
CREATE UNIQUE INDEX "RegistryRef_orgId_ref_key" ON "RegistryRef"("orgId", "ref");

-- CreateIndex
CREATE UNIQUE INDEX "Scan_activeKey_key" ON "Scan"("activeKey");

-- CreateIndex
CREATE INDEX "Scan_orgId_startedAt_idx" ON "Scan"("orgId", "startedAt");

-- CreateIndex
CREATE INDEX "ScanJob_scanId_done_idx" ON "ScanJob"("scanId", "done");

-- CreateIndex
CREATE UNIQUE INDEX "ScanJob_scanId_kind_batch_key" ON "ScanJob"("scanId", "kind", "batch");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_deliveryId_key" ON "WebhookDelivery"("deliveryId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_id_idx" ON "WebhookDelivery"("status", "id");

-- CreateIndex
CREATE INDEX "WebhookDelivery_scanId_idx" ON "WebhookDelivery"("scanId");

-- CreateIndex
CREATE INDEX "ScanAction_scanId_kind_idx" ON "ScanAction"("scanId", "kind");

-- CreateIndex
CREATE INDEX "FileIssue_scanId_kind_idx" ON "FileIssue"("scanId", "kind");

-- CreateIndex
CREATE INDEX "FileIssue_repoId_scanId_idx" ON "FileIssue"("repoId", "scanId");

-- CreateIndex
CREATE INDEX "Finding_orgId_resolvedScanId_suppressedBy_severityRank_ref__idx" ON "Finding"("orgId", "resolvedScanId", "suppressedBy", "severityRank", "ref", "path", "line", "id", "ruleId", "repoId");

-- CreateIndex
CREATE INDEX "Finding_orgId_resolvedScanId_suppressedBy_ruleId_severityRa_idx" ON "Finding"("orgId", "resolvedScanId", "suppressedBy", "ruleId", "severityRank", "ref", "path", "line", "id", "repoId");

-- CreateIndex
CREATE INDEX "Finding_orgId_resolvedScanId_suppressedBy_repoId_severityRa_idx" ON "Finding"("orgId", "resolvedScanId", "suppressedBy", "repoId", "severityRank", "ref", "path", "line", "id");

-- CreateIndex
CREATE INDEX "Finding_repoId_idx" ON "Finding"("repoId");

-- CreateIndex
CREATE INDEX "Finding_orgId_ref_resolvedScanId_suppressedBy_idx" ON "Finding"("orgId", "ref", "resolvedScanId", "suppressedBy");

-- CreateIndex
CREATE INDEX "Finding_firstSeenScanId_idx" ON "Finding"("firstSeenScanId");

-- CreateIndex
CREATE INDEX "Finding_problemId_idx" ON "Finding"("problemId");

-- CreateIndex
CREATE UNIQUE INDEX "Finding_orgId_fingerprint_key" ON "Finding"("orgId", "fingerprint");

-- CreateIndex
CREATE INDEX "Problem_orgId_resolvedScanId_rank_idx" ON "Problem"("orgId", "resolvedScanId", "rank");

-- CreateIndex
CREATE INDEX "Problem_repoId_idx" ON "Problem"("repoId");

-- CreateIndex
CREATE UNIQUE INDEX "Problem_orgId_key_key" ON "Problem"("orgId", "key");

-- CreateIndex
CREATE INDEX "Suppression_orgId_fingerprint_idx" ON "Suppression"("orgId", "fingerprint");

-- CreateIndex
CREATE INDEX "FixPullRequest_orgId_repoName_state_idx" ON "FixPullRequest"("orgId", "repoName", "state");

-- CreateIndex
CREATE UNIQUE INDEX "FixPullRequest_orgId_repoName_number_key" ON "FixPullRequest"("orgId", "repoName", "number");

-- CreateIndex
CREATE UNIQUE INDEX "CodeScanningUpload_orgId_repoName_key" ON "CodeScanningUpload"("orgId", "repoName");

-- CreateIndex
CREATE UNIQUE INDEX "RepoIssue_orgId_repoName_key" ON "RepoIssue"("orgId", "repoName");

-- CreateIndex
CREATE INDEX "AuthSession_login_idx" ON "AuthSession"("login");

-- AddForeignKey
ALTER TABLE "Repo" ADD CONSTRAINT "Repo_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Repo" ADD CONSTRAINT "Repo_lastCompleteScanId_fkey" FOREIGN KEY ("lastCompleteScanId") REFERENCES "Scan"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Repo" ADD CONSTRAINT "Repo_goneScanId_fkey" FOREIGN KEY ("goneScanId") REFERENCES "Scan"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActionsCacheUsage" ADD CONSTRAINT "ActionsCacheUsage_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repo"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActionsCacheUsage" ADD CONSTRAINT "ActionsCacheUsage_scanId_fkey" FOREIGN KEY ("scanId") REFERENCES "Scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SourceFile" ADD CONSTRAINT "SourceFile_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repo"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Package" ADD CONSTRAINT "Package_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PackageVersion" ADD CONSTRAINT "PackageVersion_packageId_fkey" FOREIGN KEY ("packageId") REFERENCES "Package"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PackageTag" ADD CONSTRAINT "PackageTag_packageId_fkey" FOREIGN KEY ("packageId") REFERENCES "Package"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RegistryRef" ADD CONSTRAINT "RegistryRef_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RegistryRef" ADD CONSTRAINT "RegistryRef_scanId_fkey" FOREIGN KEY ("scanId") REFERENCES "Scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Scan" ADD CONSTRAINT "Scan_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScanJob" ADD CONSTRAINT "ScanJob_scanId_fkey" FOREIGN KEY ("scanId") REFERENCES "Scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_scanId_fkey" FOREIGN KEY ("scanId") REFERENCES "Scan"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ScanAction" ADD CONSTRAINT "ScanAction_scanId_fkey" FOREIGN KEY ("scanId") REFERENCES "Scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FileIssue" ADD CONSTRAINT "FileIssue_scanId_fkey" FOREIGN KEY ("scanId") REFERENCES "Scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FileIssue" ADD CONSTRAINT "FileIssue_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repo"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Finding" ADD CONSTRAINT "Finding_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Finding" ADD CONSTRAINT "Finding_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repo"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Finding" ADD CONSTRAINT "Finding_firstSeenScanId_fkey" FOREIGN KEY ("firstSeenScanId") REFERENCES "Scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Finding" ADD CONSTRAINT "Finding_lastSeenScanId_fkey" FOREIGN KEY ("lastSeenScanId") REFERENCES "Scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Finding" ADD CONSTRAINT "Finding_resolvedScanId_fkey" FOREIGN KEY ("resolvedScanId") REFERENCES "Scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Finding" ADD CONSTRAINT "Finding_problemId_fkey" FOREIGN KEY ("problemId") REFERENCES "Problem"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Problem" ADD CONSTRAINT "Problem_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Problem" ADD CONSTRAINT "Problem_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repo"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Problem" ADD CONSTRAINT "Problem_primaryFindingId_fkey" FOREIGN KEY ("primaryFindingId") REFERENCES "Finding"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Problem" ADD CONSTRAINT "Problem_firstSeenScanId_fkey" FOREIGN KEY ("firstSeenScanId") REFERENCES "Scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Problem" ADD CONSTRAINT "Problem_lastSeenScanId_fkey" FOREIGN KEY ("lastSeenScanId") REFERENCES "Scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Problem" ADD CONSTRAINT "Problem_resolvedScanId_fkey" FOREIGN KEY ("resolvedScanId") REFERENCES "Scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Suppression" ADD CONSTRAINT "Suppression_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FixPullRequest" ADD CONSTRAINT "FixPullRequest_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CodeScanningUpload" ADD CONSTRAINT "CodeScanningUpload_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CodeScanningUpload" ADD CONSTRAINT "CodeScanningUpload_scanId_fkey" FOREIGN KEY ("scanId") REFERENCES "Scan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepoIssue" ADD CONSTRAINT "RepoIssue_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuthSessionOrg" ADD CONSTRAINT "AuthSessionOrg_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "AuthSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

