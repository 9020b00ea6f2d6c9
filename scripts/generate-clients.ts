/**
 * postinstall: both Prisma clients, whatever DATABASE_URL says (prisma.config.ts picks the schema by
 * it): the SQLite one (@prisma/client) and the PostgreSQL one (lib/generated/prisma-postgresql).
 * Neither needs a database or a download.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";

const root = path.join(import.meta.dirname, "..");
const prisma = path.join(root, "node_modules", ".bin", process.platform === "win32" ? "prisma.cmd" : "prisma");
for (const url of ["file:./data/cacheguard.db", "postgresql://generate@localhost:5432/unused"]) {
  execFileSync(prisma, ["generate"], { cwd: root, stdio: "inherit", env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" } });
}
