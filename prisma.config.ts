import path from "node:path";
import { defineConfig } from "prisma/config";

process.env.DATABASE_URL ??= "file:./data/cacheguard.db";

// engine "js" + the better-sqlite3 adapter: no schema-engine binary download is needed.
export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL! });
  },
});
