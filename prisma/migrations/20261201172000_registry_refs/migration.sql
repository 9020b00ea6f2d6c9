-- CreateTable: tags on registries other than GHCR that workflows write (read by name), as last read
CREATE TABLE "RegistryRef" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orgId" INTEGER NOT NULL,
    "ref" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "scanId" INTEGER NOT NULL,
    "seenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RegistryRef_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "RegistryRef_orgId_ref_key" ON "RegistryRef"("orgId", "ref");

-- CreateIndex
CREATE INDEX "RegistryRef_orgId_host_idx" ON "RegistryRef"("orgId", "host");
