-- AlterTable: an incremental scan's scope (webhooks); when a repository was found gone
ALTER TABLE "Scan" ADD COLUMN "scope" TEXT;
ALTER TABLE "Repo" ADD COLUMN "goneScanId" INTEGER;

-- CreateTable: GitHub webhook deliveries, deduplicated by X-GitHub-Delivery, and what became of them
CREATE TABLE "WebhookDelivery" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "deliveryId" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "action" TEXT,
    "repo" TEXT,
    "package" TEXT,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL,
    "work" TEXT NOT NULL DEFAULT '[]',
    "scanId" INTEGER,
    "message" TEXT NOT NULL DEFAULT '',
    "appliedAt" DATETIME,
    CONSTRAINT "WebhookDelivery_scanId_fkey" FOREIGN KEY ("scanId") REFERENCES "Scan" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_deliveryId_key" ON "WebhookDelivery"("deliveryId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_id_idx" ON "WebhookDelivery"("status", "id");

-- CreateIndex
CREATE INDEX "WebhookDelivery_scanId_idx" ON "WebhookDelivery"("scanId");
