/**
 * PostgreSQL support that needs no PostgreSQL server: the generated schema and baseline are current,
 * URLs are told apart, and errors about a PostgreSQL URL never show its password.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { POSTGRES_BASELINE, POSTGRES_MIGRATIONS, POSTGRES_SCHEMA, SQLITE_SCHEMA, postgresSchemaFrom, schemaModels } from "@/lib/dev/postgres-schema";
import { databaseLabel, providerOf } from "@/lib/server/dialect";
import { readEnv } from "@/lib/server/env";
import { ensureDatabase } from "@/lib/server/migrate";
import { run as scan } from "@/lib/cli/commands/scan";

const root = path.resolve(import.meta.dirname, "..");
const read = (p: string) => readFileSync(path.join(root, p), "utf8");

describe("the PostgreSQL schema is generated from prisma/schema.prisma", () => {
  it("prisma/postgresql/schema.prisma is up to date (run `npm run db:schema`, then `npm install` to regenerate the client)", () => {
    expect(read(POSTGRES_SCHEMA), "prisma/postgresql/schema.prisma differs from what `npm run db:schema` writes from prisma/schema.prisma")
      .toBe(postgresSchemaFrom(read(SQLITE_SCHEMA)));
  });

  it("the PostgreSQL baseline creates every table and column of the schema (run `npm run db:schema -- --baseline`)", () => {
    const sql = read(path.join(POSTGRES_MIGRATIONS, POSTGRES_BASELINE, "migration.sql"));
    const missing: string[] = [];
    // from the source schema, so a model or field added there without a new baseline fails here
    for (const model of schemaModels(read(SQLITE_SCHEMA))) {
      const block = new RegExp(`CREATE TABLE "${model.name}" \\(([\\s\\S]*?)\\n\\);`).exec(sql)?.[1];
      if (!block) {
        missing.push(model.name);
        continue;
      }
      for (const c of model.columns) if (!block.includes(`"${c.name}" `)) missing.push(`${model.name}.${c.name}`);
    }
    expect(missing, "the schema has tables or columns the PostgreSQL migrations never create").toEqual([]);
  });

  it("the PostgreSQL migrations are locked to PostgreSQL", () => {
    expect(read(path.join(POSTGRES_MIGRATIONS, "migration_lock.toml"))).toMatch(/provider = "postgresql"/);
  });
});

describe("DATABASE_URL", () => {
  it("takes a SQLite file or a PostgreSQL server, and nothing else", () => {
    expect(providerOf("file:./data/cacheguard.db")).toBe("sqlite");
    expect(providerOf("postgresql://cg:pw@db:5432/cacheguard")).toBe("postgresql");
    expect(providerOf("postgres://cg@db/cacheguard")).toBe("postgresql");
    expect(readEnv({ DATABASE_URL: "postgresql://cg:pw@db:5432/cacheguard" } as unknown as NodeJS.ProcessEnv).DATABASE_URL).toBe("postgresql://cg:pw@db:5432/cacheguard");
    expect(() => readEnv({ DATABASE_URL: "mysql://cg:hunter2@db/cacheguard" } as unknown as NodeJS.ProcessEnv)).toThrow(/DATABASE_URL: must be a SQLite file: URL .* or a PostgreSQL URL/);
    expect(() => readEnv({ DATABASE_URL: "postgresql://cg:hunter2@db:5432" } as unknown as NodeJS.ProcessEnv)).toThrow(/must name the database/);
    try {
      readEnv({ DATABASE_URL: "postgresql://cg:hunter2@db:5432" } as unknown as NodeJS.ProcessEnv);
    } catch (e) {
      expect(String(e)).not.toContain("hunter2");
    }
  });

  it("a PostgreSQL URL is shown without its password", () => {
    expect(databaseLabel("postgresql://cg:s3cr%40t@db.internal:6543/audit?sslmode=require")).toBe("cg@db.internal:6543/audit");
    expect(databaseLabel("file:./data/cacheguard.db")).toBe("file:./data/cacheguard.db");
  });

  it("a PostgreSQL server that cannot be reached is named, host and port, never the password", async () => {
    const err = await ensureDatabase("postgresql://cg:hunter2@127.0.0.1:1/cacheguard").then(() => null, (e: unknown) => e);
    expect(String(err)).toMatch(/cannot reach the PostgreSQL server of DATABASE_URL \(cg@127\.0\.0\.1:1\/cacheguard\): ECONNREFUSED/);
    expect(String(err)).not.toContain("hunter2");
  });

  it("`cacheguard scan` on a server that is down says which, without the password", async () => {
    let stderr = "";
    const io = { stdout: () => {}, stderr: (t: string) => (stderr += t) };
    const code = await scan(["--org", "acme"], io as never, { DATABASE_URL: "postgresql://cg:hunter2@127.0.0.1:1/cacheguard", GITHUB_TOKEN: "t" });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^cacheguard scan: cannot prepare the database cg@127\.0\.0\.1:1\/cacheguard: cannot reach the PostgreSQL server/);
    expect(stderr).not.toContain("hunter2");
  });
});
