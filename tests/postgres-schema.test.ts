/**
 * In the PostgreSQL run (`npm run test:postgres`): a database migrated by ensureDatabase has exactly
 * the tables, columns, types and unique keys the schema declares (Prisma's `migrate diff --from-url`
 * is refused with a driver adapter, so information_schema is compared with the client's DMMF), and
 * the dialect helpers do what lib/server/dialect.ts says on a real server.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PG_TYPE, POSTGRES_MIGRATIONS, POSTGRES_SCHEMA, schemaModels } from "@/lib/dev/postgres-schema";
import { type Db, createDb } from "@/lib/server/db";
import { containsInsensitive, providerOf } from "@/lib/server/dialect";
import { freshPostgresUrl, testingOnPostgres } from "./postgres-test-db";
import { freshDbUrl } from "./scan-helpers";


describe.skipIf(!testingOnPostgres())("a PostgreSQL database migrated by ensureDatabase", () => {
  let client: pg.Client;
  let url: string;

  beforeAll(async () => {
    // a copy of the run's template, which the global setup migrated with ensureDatabase the way a
    // deployment's first start migrates an empty database
    url = await freshPostgresUrl();
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  it("has one table per model and one column per scalar field, with its type and nullability", async () => {
    const cols = await client.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
      "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'",
    );
    const actual = cols.rows.map((c) => `${c.table_name}.${c.column_name} ${c.data_type}${c.is_nullable === "YES" ? " null" : ""}`).sort();
    const expected = schemaModels(readFileSync(path.resolve(import.meta.dirname, "..", POSTGRES_SCHEMA), "utf8")).flatMap((m) => m.columns.map((c) => `${m.name}.${c.name} ${PG_TYPE[c.type]}${c.optional ? " null" : ""}`)).sort();
    expect(expected.length).toBeGreaterThan(100);
    expect(actual).toEqual(expected);
  });

  it("has the schema's unique keys (what one-active-scan-per-org and every upsert rely on)", async () => {
    const idx = await client.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexdef LIKE 'CREATE UNIQUE INDEX%' AND indexname NOT LIKE '%_pkey' AND tablename <> '_prisma_migrations'",
    );
    const expected = schemaModels(readFileSync(path.resolve(import.meta.dirname, "..", POSTGRES_SCHEMA), "utf8")).flatMap((m) => [
      ...m.columns.filter((c) => c.unique).map((c) => `${m.name}_${c.name}_key`),
      ...m.uniques.map((u) => `${m.name}_${u.join("_")}_key`),
    ]).sort();
    expect(expected).toContain("Scan_activeKey_key");
    expect(idx.rows.map((r) => r.indexname).sort()).toEqual(expected);
  });

  it("records every PostgreSQL migration as applied, so the next start has nothing to migrate", async () => {
    const rows = await client.query<{ migration_name: string }>(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name",
    );
    const dir = path.resolve(import.meta.dirname, "..", POSTGRES_MIGRATIONS);
    const folders = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(rows.rows.map((r) => r.migration_name)).toEqual(folders);
  });
});

describe("case-insensitive search on this run's database", () => {
  let dir: string;
  let db: Db;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "cg-dialect-"));
    db = createDb(await freshDbUrl(dir));
    await db.org.createMany({ data: [{ login: "Acme-Web" }, { login: "ÉCOLE" }] });
  });
  afterAll(async () => {
    await db?.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const logins = async (text: string) => (await db.org.findMany({ where: { login: containsInsensitive(db, text) } })).map((o) => o.login);

  it("finds ASCII text whatever its case, on both databases", async () => {
    expect(await logins("acme-w")).toEqual(["Acme-Web"]);
    expect(await logins("ACME")).toEqual(["Acme-Web"]);
  });

  it("folds non-ASCII letters on PostgreSQL only (SQLite's LIKE folds ASCII)", async () => {
    expect(await logins("école")).toEqual(providerOf(db) === "postgresql" ? ["ÉCOLE"] : []);
    expect(await logins("ÉCOLE")).toEqual(["ÉCOLE"]);
  });
});
