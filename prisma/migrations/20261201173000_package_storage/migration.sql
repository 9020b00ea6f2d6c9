-- AlterTable: storage figures per package (version_count, the versions list read in passes)
ALTER TABLE "Package" ADD COLUMN "versionCount" INTEGER;
ALTER TABLE "Package" ADD COLUMN "versionsPass" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Package" ADD COLUMN "versionsNextPage" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Package" ADD COLUMN "versionsPassFor" DATETIME;
ALTER TABLE "Package" ADD COLUMN "versionsCompleteAt" DATETIME;
ALTER TABLE "Package" ADD COLUMN "versionsCompleteCount" INTEGER;
ALTER TABLE "Package" ADD COLUMN "versionsReadAt" DATETIME;
ALTER TABLE "Package" ADD COLUMN "storage" TEXT;

-- AlterTable: what a manifest refers to (index children, subject, cache layer sizes); null until recorded
ALTER TABLE "ManifestKind" ADD COLUMN "refs" TEXT;

-- CreateTable: the versions GitHub's Packages API lists per package
CREATE TABLE "PackageVersion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "packageId" INTEGER NOT NULL,
    "versionId" BIGINT NOT NULL,
    "digest" TEXT NOT NULL,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "pass" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "PackageVersion_packageId_fkey" FOREIGN KEY ("packageId") REFERENCES "Package" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "PackageVersion_packageId_versionId_key" ON "PackageVersion"("packageId", "versionId");

-- CreateIndex
CREATE INDEX "PackageVersion_packageId_digest_idx" ON "PackageVersion"("packageId", "digest");
