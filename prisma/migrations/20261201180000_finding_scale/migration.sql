-- Issue 18 part 4: the findings table at a million rows.
-- Finding.severityRank (the report's sort and severity filter through an index), composite indexes that lead
-- with orgId + "open" (resolvedScanId, suppressedBy), foreign keys for the scan / finding / org ids that were
-- plain integers, and per-severity open counts stored on each scan (the scans chart).

-- AlterTable
ALTER TABLE "Scan" ADD COLUMN "openErrors" INTEGER;
ALTER TABLE "Scan" ADD COLUMN "openNotes" INTEGER;
ALTER TABLE "Scan" ADD COLUMN "openWarnings" INTEGER;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Repo" (
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
    "unreadFiles" TEXT NOT NULL DEFAULT '[]',
    "buildMap" TEXT,
    "goneScanId" INTEGER,
    "team" TEXT,
    "teamSource" TEXT,
    "codeownersTeam" TEXT,
    "codeownersPath" TEXT,
    CONSTRAINT "Repo_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Repo_lastCompleteScanId_fkey" FOREIGN KEY ("lastCompleteScanId") REFERENCES "Scan" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Repo_goneScanId_fkey" FOREIGN KEY ("goneScanId") REFERENCES "Scan" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Repo" ("archived", "buildMap", "codeownersPath", "codeownersTeam", "defaultBranch", "fork", "goneScanId", "headSha", "id", "lastCompleteScanId", "lastError", "name", "orgId", "private", "pushedAt", "scannedHeadSha", "team", "teamSource", "unreadFiles") SELECT "archived", "buildMap", "codeownersPath", "codeownersTeam", "defaultBranch", "fork", "goneScanId", "headSha", "id", "lastCompleteScanId", "lastError", "name", "orgId", "private", "pushedAt", "scannedHeadSha", "team", "teamSource", "unreadFiles" FROM "Repo";
-- scan ids that point nowhere become null
UPDATE "new_Repo" SET "lastCompleteScanId" = NULL WHERE "lastCompleteScanId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Scan" s WHERE s."id" = "new_Repo"."lastCompleteScanId");
UPDATE "new_Repo" SET "goneScanId" = NULL WHERE "goneScanId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Scan" s WHERE s."id" = "new_Repo"."goneScanId");
DROP TABLE "Repo";
ALTER TABLE "new_Repo" RENAME TO "Repo";
CREATE UNIQUE INDEX "Repo_orgId_name_key" ON "Repo"("orgId", "name");
CREATE TABLE "new_ActionsCacheUsage" (
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
    CONSTRAINT "ActionsCacheUsage_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repo" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ActionsCacheUsage_scanId_fkey" FOREIGN KEY ("scanId") REFERENCES "Scan" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ActionsCacheUsage" ("buildkitBytes", "buildkitEntries", "count", "entries", "id", "limitBytes", "limitNote", "listError", "listedAt", "listedBytes", "oldestCreatedAt", "readAt", "repoId", "scanId", "sizeBytes") SELECT "buildkitBytes", "buildkitEntries", "count", "entries", "id", "limitBytes", "limitNote", "listError", "listedAt", "listedBytes", "oldestCreatedAt", "readAt", "repoId", "scanId", "sizeBytes" FROM "ActionsCacheUsage"
  WHERE EXISTS (SELECT 1 FROM "Scan" s WHERE s."id" = "ActionsCacheUsage"."scanId");
DROP TABLE "ActionsCacheUsage";
ALTER TABLE "new_ActionsCacheUsage" RENAME TO "ActionsCacheUsage";
CREATE UNIQUE INDEX "ActionsCacheUsage_repoId_key" ON "ActionsCacheUsage"("repoId");
CREATE TABLE "new_RegistryRef" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "ref" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "scanId" INTEGER NOT NULL,
    "seenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RegistryRef_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RegistryRef_scanId_fkey" FOREIGN KEY ("scanId") REFERENCES "Scan" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_RegistryRef" ("digest", "host", "id", "kind", "orgId", "ref", "scanId", "seenAt") SELECT "digest", "host", "id", "kind", "orgId", "ref", "scanId", "seenAt" FROM "RegistryRef"
  WHERE EXISTS (SELECT 1 FROM "Scan" s WHERE s."id" = "RegistryRef"."scanId");
DROP TABLE "RegistryRef";
ALTER TABLE "new_RegistryRef" RENAME TO "RegistryRef";
CREATE INDEX "RegistryRef_orgId_host_idx" ON "RegistryRef"("orgId", "host");
CREATE UNIQUE INDEX "RegistryRef_orgId_ref_key" ON "RegistryRef"("orgId", "ref");
CREATE TABLE "new_Finding" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "suppressedUntil" DATETIME,
    "firstSeenScanId" INTEGER NOT NULL,
    "lastSeenScanId" INTEGER NOT NULL,
    "resolvedScanId" INTEGER,
    "problemId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Finding_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Finding_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repo" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Finding_firstSeenScanId_fkey" FOREIGN KEY ("firstSeenScanId") REFERENCES "Scan" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Finding_lastSeenScanId_fkey" FOREIGN KEY ("lastSeenScanId") REFERENCES "Scan" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Finding_resolvedScanId_fkey" FOREIGN KEY ("resolvedScanId") REFERENCES "Scan" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Finding_problemId_fkey" FOREIGN KEY ("problemId") REFERENCES "Problem" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
-- severityRank from severity (error 0, warning 1, note 2); a problem id that points nowhere becomes null;
-- a row whose scans are gone cannot keep its foreign keys (scans are never deleted but with their org)
INSERT INTO "new_Finding" ("column", "confidence", "createdAt", "fingerprint", "firstSeenScanId", "fixDescription", "fixDiff", "id", "lastSeenScanId", "line", "locationKey", "message", "orgId", "path", "problemId", "ref", "related", "repoId", "resolvedScanId", "ruleId", "severity", "severityRank", "suppressedAt", "suppressedBy", "suppressedUntil", "suppressionReason", "updatedAt") SELECT "column", "confidence", "createdAt", "fingerprint", "firstSeenScanId", "fixDescription", "fixDiff", "id", "lastSeenScanId", "line", "locationKey", "message", "orgId", "path",
  CASE WHEN EXISTS (SELECT 1 FROM "Problem" p WHERE p."id" = "Finding"."problemId") THEN "problemId" ELSE NULL END,
  "ref", "related", "repoId", "resolvedScanId", "ruleId", "severity",
  CASE "severity" WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
  "suppressedAt", "suppressedBy", "suppressedUntil", "suppressionReason", "updatedAt" FROM "Finding"
  WHERE EXISTS (SELECT 1 FROM "Scan" s WHERE s."id" = "Finding"."firstSeenScanId")
    AND EXISTS (SELECT 1 FROM "Scan" s WHERE s."id" = "Finding"."lastSeenScanId")
    AND ("resolvedScanId" IS NULL OR EXISTS (SELECT 1 FROM "Scan" s WHERE s."id" = "Finding"."resolvedScanId"));
DROP TABLE "Finding";
ALTER TABLE "new_Finding" RENAME TO "Finding";
CREATE INDEX "Finding_orgId_resolvedScanId_suppressedBy_severityRank_ref_path_line_id_ruleId_repoId_idx" ON "Finding"("orgId", "resolvedScanId", "suppressedBy", "severityRank", "ref", "path", "line", "id", "ruleId", "repoId");
CREATE INDEX "Finding_orgId_resolvedScanId_suppressedBy_ruleId_severityRank_ref_path_line_id_repoId_idx" ON "Finding"("orgId", "resolvedScanId", "suppressedBy", "ruleId", "severityRank", "ref", "path", "line", "id", "repoId");
CREATE INDEX "Finding_orgId_resolvedScanId_suppressedBy_repoId_severityRank_ref_path_line_id_idx" ON "Finding"("orgId", "resolvedScanId", "suppressedBy", "repoId", "severityRank", "ref", "path", "line", "id");
CREATE INDEX "Finding_repoId_idx" ON "Finding"("repoId");
CREATE INDEX "Finding_orgId_ref_resolvedScanId_suppressedBy_idx" ON "Finding"("orgId", "ref", "resolvedScanId", "suppressedBy");
CREATE INDEX "Finding_firstSeenScanId_idx" ON "Finding"("firstSeenScanId");
CREATE INDEX "Finding_problemId_idx" ON "Finding"("problemId");
CREATE UNIQUE INDEX "Finding_orgId_fingerprint_key" ON "Finding"("orgId", "fingerprint");
CREATE TABLE "new_Problem" (
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
    CONSTRAINT "Problem_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repo" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Problem_primaryFindingId_fkey" FOREIGN KEY ("primaryFindingId") REFERENCES "Finding" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Problem_firstSeenScanId_fkey" FOREIGN KEY ("firstSeenScanId") REFERENCES "Scan" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Problem_lastSeenScanId_fkey" FOREIGN KEY ("lastSeenScanId") REFERENCES "Scan" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Problem_resolvedScanId_fkey" FOREIGN KEY ("resolvedScanId") REFERENCES "Scan" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Problem" ("createdAt", "firstSeenScanId", "id", "key", "lastSeenScanId", "openedAt", "orgId", "path", "primaryFindingId", "rank", "ref", "repoId", "resolvedAt", "resolvedScanId", "ruleId", "severity", "title", "why") SELECT "createdAt", "firstSeenScanId", "id", "key", "lastSeenScanId", "openedAt", "orgId", "path", "primaryFindingId", "rank", "ref", "repoId", "resolvedAt", "resolvedScanId", "ruleId", "severity", "title", "why" FROM "Problem"
  WHERE EXISTS (SELECT 1 FROM "Scan" s WHERE s."id" = "Problem"."firstSeenScanId")
    AND EXISTS (SELECT 1 FROM "Scan" s WHERE s."id" = "Problem"."lastSeenScanId")
    AND ("resolvedScanId" IS NULL OR EXISTS (SELECT 1 FROM "Scan" s WHERE s."id" = "Problem"."resolvedScanId"));
UPDATE "new_Problem" SET "primaryFindingId" = NULL WHERE "primaryFindingId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Finding" f WHERE f."id" = "new_Problem"."primaryFindingId");
DROP TABLE "Problem";
ALTER TABLE "new_Problem" RENAME TO "Problem";
CREATE INDEX "Problem_orgId_resolvedScanId_rank_idx" ON "Problem"("orgId", "resolvedScanId", "rank");
CREATE INDEX "Problem_repoId_idx" ON "Problem"("repoId");
CREATE UNIQUE INDEX "Problem_orgId_key_key" ON "Problem"("orgId", "key");
CREATE TABLE "new_Suppression" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER,
    "fingerprint" TEXT,
    "ruleId" TEXT,
    "reason" TEXT NOT NULL,
    "expiresAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT,
    "revokedAt" DATETIME,
    "revokedBy" TEXT,
    CONSTRAINT "Suppression_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Suppression" ("createdAt", "createdBy", "expiresAt", "fingerprint", "id", "orgId", "reason", "revokedAt", "revokedBy", "ruleId") SELECT "createdAt", "createdBy", "expiresAt", "fingerprint", "id", "orgId", "reason", "revokedAt", "revokedBy", "ruleId" FROM "Suppression"
  WHERE "orgId" IS NULL OR EXISTS (SELECT 1 FROM "Org" o WHERE o."id" = "Suppression"."orgId");
DROP TABLE "Suppression";
ALTER TABLE "new_Suppression" RENAME TO "Suppression";
CREATE INDEX "Suppression_orgId_fingerprint_idx" ON "Suppression"("orgId", "fingerprint");
CREATE TABLE "new_CodeScanningUpload" (
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
    CONSTRAINT "CodeScanningUpload_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CodeScanningUpload_scanId_fkey" FOREIGN KEY ("scanId") REFERENCES "Scan" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_CodeScanningUpload" ("headSha", "id", "orgId", "ref", "repoName", "results", "sarifHash", "sarifId", "scanId", "uploadedAt", "url") SELECT "headSha", "id", "orgId", "ref", "repoName", "results", "sarifHash", "sarifId", "scanId", "uploadedAt", "url" FROM "CodeScanningUpload"
  WHERE EXISTS (SELECT 1 FROM "Scan" s WHERE s."id" = "CodeScanningUpload"."scanId");
DROP TABLE "CodeScanningUpload";
ALTER TABLE "new_CodeScanningUpload" RENAME TO "CodeScanningUpload";
CREATE UNIQUE INDEX "CodeScanningUpload_orgId_repoName_key" ON "CodeScanningUpload"("orgId", "repoName");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- The chart's per-severity counts of finished scans before this migration, computed once as the chart
-- used to on every view (open as of scan s: first seen by s and not resolved by s). Counted in one pass
-- over the findings, not one per scan: open at s = (first seen at or before s) - (resolved at or before s),
-- a running sum over per-scan deltas.
CREATE TEMP TABLE "_open_delta" AS
  SELECT "orgId", "firstSeenScanId" AS "scanId", "severityRank", COUNT(*) AS "n" FROM "Finding"
  GROUP BY "orgId", "firstSeenScanId", "severityRank"
  UNION ALL
  SELECT "orgId", "resolvedScanId" AS "scanId", "severityRank", -COUNT(*) AS "n" FROM "Finding" WHERE "resolvedScanId" IS NOT NULL
  GROUP BY "orgId", "resolvedScanId", "severityRank";
UPDATE "Scan" SET
  "openErrors" = (SELECT COALESCE(SUM(d."n"), 0) FROM "_open_delta" d WHERE d."orgId" = "Scan"."orgId" AND d."scanId" <= "Scan"."id" AND d."severityRank" = 0),
  "openWarnings" = (SELECT COALESCE(SUM(d."n"), 0) FROM "_open_delta" d WHERE d."orgId" = "Scan"."orgId" AND d."scanId" <= "Scan"."id" AND d."severityRank" = 1),
  "openNotes" = (SELECT COALESCE(SUM(d."n"), 0) FROM "_open_delta" d WHERE d."orgId" = "Scan"."orgId" AND d."scanId" <= "Scan"."id" AND d."severityRank" = 2)
WHERE "status" IN ('succeeded', 'partial');
DROP TABLE "_open_delta";
