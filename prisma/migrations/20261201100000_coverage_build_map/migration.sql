-- AlterTable: coverage per scan, files that can never be read and the build map per repository
ALTER TABLE "Scan" ADD COLUMN "filesAnalysed" INTEGER;
ALTER TABLE "Scan" ADD COLUMN "filesTotal" INTEGER;
ALTER TABLE "Repo" ADD COLUMN "unreadFiles" TEXT NOT NULL DEFAULT '[]';
ALTER TABLE "Repo" ADD COLUMN "buildMap" TEXT;

-- CreateTable
CREATE TABLE "FileIssue" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "scanId" INTEGER NOT NULL,
    "repoId" INTEGER,
    "path" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "line" INTEGER,
    CONSTRAINT "FileIssue_scanId_fkey" FOREIGN KEY ("scanId") REFERENCES "Scan" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "FileIssue_repoId_fkey" FOREIGN KEY ("repoId") REFERENCES "Repo" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "FileIssue_scanId_kind_idx" ON "FileIssue"("scanId", "kind");

-- CreateIndex
CREATE INDEX "FileIssue_repoId_scanId_idx" ON "FileIssue"("repoId", "scanId");
