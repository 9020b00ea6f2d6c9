-- AlterTable
ALTER TABLE "Finding" ADD COLUMN "suppressedAt" TEXT;
ALTER TABLE "Finding" ADD COLUMN "suppressedBy" TEXT;
ALTER TABLE "Finding" ADD COLUMN "suppressedUntil" DATETIME;
ALTER TABLE "Finding" ADD COLUMN "suppressionReason" TEXT;

-- AlterTable
ALTER TABLE "Suppression" ADD COLUMN "createdBy" TEXT;
ALTER TABLE "Suppression" ADD COLUMN "revokedAt" DATETIME;
ALTER TABLE "Suppression" ADD COLUMN "revokedBy" TEXT;

-- CreateIndex
CREATE INDEX "Suppression_orgId_fingerprint_idx" ON "Suppression"("orgId", "fingerprint");

