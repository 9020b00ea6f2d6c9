/**
 * In the PostgreSQL run (`npm run test:postgres`): a database migrated by ensureDatabase has exactly
 * the tables, columns, types and unique keys the schema declares (Prisma's `migrate diff --from-url`
 * is refused with a driver adapter, so information_schema is compared with the client's DMMF), and
 * the dialect helpers do what lib/server/dialect.ts says on a real server.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma as PostgresPrisma } from "@/lib/generated/prisma-postgresql";
import { type Db, createDb } from "@/lib/server/db";
import { containsInsensitive, providerOf } from "@/lib/server/dialect";
import { ensureDatabase } from "@/lib/server/migrate";
import { testingOnPostgres } from "./postgres-test-db";
import { freshDbUrl } from "./scan-helpers";

// what each Prisma scalar becomes in PostgreSQL (information_schema.columns.data_type)
const PG_TYPE: Record<string, string> = {
  Int: "integer", BigInt: "bigint", String: "text", Boolean: "boolean", DateTime: "timestamp without time zone", Float: "double precision",
};

describe.skipIf(!testingOnPostgres())("a PostgreSQL database migrated by ensureDatabase", () => {
  let client: pg.Client;
  let url: string;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: process.env.CACHEGUARD_TEST_PG_URL });
    await admin.connect();
    await admin.query('CREATE DATABASE "cg_schema_check"');
    await admin.end();
    const u = new URL(process.env.CACHEGUARD_TEST_PG_URL!);
    u.pathname = "/cg_schema_check";
    url = u.toString();
    // an empty database, migrated the way a deployment's first start migrates it
    await ensureDatabase(url);
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
    const expected = PostgresPrisma.dmmf.datamodel.models.flatMap((m) => m.fields.filter((f) => f.kind === "scalar").map((f) =>
      `${m.dbName ?? m.name}.${f.dbName ?? f.name} ${PG_TYPE[f.type] ?? f.type}${f.isRequired ? "" : " null"}`)).sort();
    expect(actual).toEqual(expected);
  });

  it("has the schema's unique keys (what one-active-scan-per-org and every upsert rely on)", async () => {
    const idx = await client.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexdef LIKE 'CREATE UNIQUE INDEX%' AND indexname NOT LIKE '%_pkey' AND tablename <> '_prisma_migrations'",
    );
    const expected = PostgresPrisma.dmmf.datamodel.models.flatMap((m) => [
      ...m.fields.filter((f) => f.isUnique).map((f) => `${m.name}_${f.name}_key`),
      ...m.uniqueIndexes.map((u) => `${m.name}_${u.fields.join("_")}_key`),
    ]).sort();
    expect(idx.rows.map((r) => r.indexname).sort()).toEqual(expected);
  });

  it("is current for ensureDatabase afterwards: a second start spawns no migration", async () => {
    const t0 = Date.now();
    await ensureDatabase(url);
    // prisma migrate deploy takes seconds; comparing _prisma_migrations with the folders, milliseconds
    expect(Date.now() - t0).toBeLessThan(2000);
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
