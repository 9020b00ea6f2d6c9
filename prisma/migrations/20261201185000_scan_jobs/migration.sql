-- CreateTable: the pieces of a scan that queue workers run (plan, repository and package batches)
CREATE TABLE "ScanJob" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "scanId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "batch" INTEGER NOT NULL,
    "input" TEXT NOT NULL DEFAULT '{}',
    "result" TEXT,
    "done" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "doneAt" DATETIME,
    CONSTRAINT "ScanJob_scanId_fkey" FOREIGN KEY ("scanId") REFERENCES "Scan" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "ScanJob_scanId_kind_batch_key" ON "ScanJob"("scanId", "kind", "batch");

-- CreateIndex
CREATE INDEX "ScanJob_scanId_done_idx" ON "ScanJob"("scanId", "done");
