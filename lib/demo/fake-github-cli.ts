import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { FAULT_KINDS, faultKindsSchema } from "./fake-github/faults";
import { FixtureError } from "./fake-github/fixture";
import { startFakeGitHub } from "./fake-github/server";

/** `npm run fake-github -- --fixture DIR --port PORT [--latency MS] [--rate-limit N] [--reload auto|manual] [--fault-rate R --faults K,K --seed N] [--app-id N --app-public-key FILE …]` */
const USAGE =
  "usage: fake-github --fixture DIR [--port PORT] [--latency MS] [--rate-limit N] [--reload auto|manual]\n" +
  "                   [--fault-rate R --faults 500,502,429,403-secondary,404,timeout,truncated,disconnect,wrong-page-count --seed N]\n" +
  "                   [--app-id N --app-public-key PEM-FILE [--app-slug SLUG] [--app-installation-id N] [--app-token-lifetime SECONDS]]";

const argsSchema = z.object({
  fixture: z.string({ error: "--fixture DIR is required" }).min(1),
  port: z.coerce.number().int().min(0).max(65535).default(0),
  latency: z.coerce.number().int().min(0).default(0),
  "rate-limit": z.coerce.number().int().positive().optional(),
  "fault-rate": z.coerce.number().min(0).max(1).default(0),
  faults: faultKindsSchema.default([...FAULT_KINDS]),
  seed: z.coerce.number().int().default(1),
  // manual: fixture edits are served only after POST /__reload (no per-request check)
  reload: z.enum(["auto", "manual"]).default("auto"),
  // a GitHub App installed on the org: its id and the public half of its key (the client signs with the private half)
  "app-id": z.coerce.number().int().positive().optional(),
  "app-public-key": z.string().min(1).optional(),
  "app-slug": z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lower-case letters, digits and dashes").default("cacheguard"),
  "app-installation-id": z.coerce.number().int().positive().optional(),
  "app-token-lifetime": z.coerce.number().int().positive().optional(),
}).refine((a) => (a["app-id"] === undefined) === (a["app-public-key"] === undefined), { message: "--app-id and --app-public-key go together" });

async function main(argv: string[]): Promise<number> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        fixture: { type: "string" },
        port: { type: "string" },
        latency: { type: "string" },
        "rate-limit": { type: "string" },
        "fault-rate": { type: "string" },
        faults: { type: "string" },
        seed: { type: "string" },
        reload: { type: "string" },
        "app-id": { type: "string" },
        "app-public-key": { type: "string" },
        "app-slug": { type: "string" },
        "app-installation-id": { type: "string" },
        "app-token-lifetime": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => (i.message.startsWith("--") || !i.path.length ? i.message : `--${String(i.path[0])}: ${i.message}`));
    process.stderr.write(`${lines.join("\n")}\n${USAGE}\n`);
    return 2;
  }
  const fixture = path.resolve(parsed.data.fixture);
  if (!existsSync(fixture) || !statSync(fixture).isDirectory()) {
    process.stderr.write(`fixture folder not found: ${fixture}\n`);
    return 2;
  }
  const a = parsed.data;
  let publicKey: string | undefined;
  if (a["app-public-key"]) {
    try {
      publicKey = readFileSync(a["app-public-key"], "utf8");
    } catch (e) {
      process.stderr.write(`--app-public-key: cannot read ${a["app-public-key"]} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`);
      return 2;
    }
  }
  try {
    const server = await startFakeGitHub({ fixture, port: a.port, latencyMs: a.latency, rateLimit: a["rate-limit"], reload: a.reload,
      faults: { rate: a["fault-rate"], kinds: a.faults, seed: a.seed },
      ...(a["app-id"] !== undefined && publicKey
        ? { app: { id: a["app-id"], slug: a["app-slug"], publicKey, installationId: a["app-installation-id"], ...(a["app-token-lifetime"] ? { tokenLifetimeMs: a["app-token-lifetime"] * 1000 } : {}) } }
        : {}),
    });
    process.stdout.write(`listening on ${server.url}\n`);
    // on stderr: stdout's first line is the contract scripts read (`listening on URL`)
    process.stderr.write(`docker hub (fake, docker.io) listening on ${server.hub.url}; its token service on ${server.hub.authUrl}\n`);
    if (server.app) process.stdout.write(`GitHub App ${server.app.id} (${server.app.slug}) installed on the org as installation ${server.app.installationId}\n`);
    const stop = () => void server.close().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    return -1; // keep running
  } catch (e) {
    const msg = e instanceof FixtureError ? e.message : (e as NodeJS.ErrnoException).code === "EADDRINUSE" ? `port ${parsed.data.port} is already in use` : (e as Error).message;
    process.stderr.write(`fake-github: ${msg}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exit(code);
});
