import path from "node:path";
import { defineConfig } from "prisma/config";

process.env.DATABASE_URL ??= "file:./data/cacheguard.db";

// PostgreSQL when DATABASE_URL says so (its schema is generated from prisma/schema.prisma by
// `npm run db:schema`); SQLite otherwise. Engine "js" + a driver adapter: no schema-engine binary.
const postgres = /^postgres(ql)?:\/\//i.test(process.env.DATABASE_URL);

export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: postgres ? path.join("prisma", "postgresql", "schema.prisma") : path.join("prisma", "schema.prisma"),
  migrations: { path: postgres ? path.join("prisma", "postgresql", "migrations") : path.join("prisma", "migrations") },
  async adapter() {
    if (postgres) {
      const { PrismaPg } = await import("@prisma/adapter-pg");
      return new PrismaPg({ connectionString: process.env.DATABASE_URL!, Client: await nameAsTextClient() });
    }
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL! });
  },
});

/**
 * The schema engine reads PostgreSQL's catalogues, whose identifier columns have the type `name`;
 * @prisma/adapter-pg 6.19 does not map that type ("Column type 'name' could not be deserialized",
 * prisma/prisma#27403) and every migrate command fails. A `name` is text (at most 63 bytes): this
 * client reports it as text. Only the CLI uses it; the app's queries never read a `name` column.
 */
async function nameAsTextClient() {
  const pg = (await import("pg")).default;
  const NAME = 19;
  const TEXT = 25;
  const fix = (res: unknown) => {
    for (const r of Array.isArray(res) ? res : [res]) {
      for (const f of (r as { fields?: Array<{ dataTypeID: number }> } | undefined)?.fields ?? []) if (f.dataTypeID === NAME) f.dataTypeID = TEXT;
    }
    return res;
  };
  return class NameAsTextClient extends pg.Client {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    query(...args: any[]): any {
      const last = args[args.length - 1];
      if (typeof last === "function") {
        args[args.length - 1] = (err: unknown, res: unknown) => last(err, fix(res));
        return (super.query as (...a: unknown[]) => unknown)(...args);
      }
      const out = (super.query as (...a: unknown[]) => unknown)(...args);
      return out instanceof Promise ? out.then(fix) : out;
    }
  };
}
