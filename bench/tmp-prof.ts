import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Prisma } from "@prisma/client";
import { createDb } from "../lib/server/db";
import { ensureDatabase } from "../lib/server/migrate";
const dir = mkdtempSync(path.join(tmpdir(), "scale-prof-"));
const url = `file:${path.join(dir, "p.db")}`;
await ensureDatabase(url);
const db = createDb(url);
const org = await db.org.create({ data: { login: "acme" } });
const scan = await db.scan.create({ data: { orgId: org.id, trigger: "t", status: "running" } });
const now = new Date();
const rows = Array.from({ length: 10000 }, (_, i) => ({ orgId: org.id, fingerprint: `f${i}`, ruleId: "r", severity: "error", severityRank: 0, confidence: "high", path: "p", line: i, column: 1, ref: `ref${i}`, message: "m".repeat(100), firstSeenScanId: scan.id, lastSeenScanId: scan.id, createdAt: now, updatedAt: now, suppressedUntil: null as Date | null }));
const cols = Object.keys(rows[0]);
let t = performance.now();
for (let i = 0; i < rows.length; i += 1000) {
  const part = rows.slice(i, i + 1000);
  const values: unknown[] = [];
  const tuples = part.map((r) => "(" + cols.map((c) => { values.push((r as Record<string, unknown>)[c]); return "?"; }).join(",") + ")");
  await db.$executeRawUnsafe(`INSERT INTO "Finding" (${cols.map((c) => `"${c}"`).join(",")}) VALUES ${tuples.join(",")}`, ...values);
}
console.log("raw unsafe insert 10000", Math.round(performance.now() - t)); t = performance.now();
const fps = Array.from({ length: 5000 }, (_, j) => `x${j}`);
await db.$queryRaw(Prisma.sql`SELECT "id", "fingerprint" FROM "Finding" WHERE "orgId" = ${org.id} AND "fingerprint" IN (${Prisma.join(fps)})`);
console.log("raw IN 5000", Math.round(performance.now() - t)); t = performance.now();
await db.finding.findMany({ where: { orgId: org.id, fingerprint: { in: fps } }, select: { id: true } });
console.log("findMany IN 5000", Math.round(performance.now() - t)); t = performance.now();
await db.$disconnect();
