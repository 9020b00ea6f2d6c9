import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { FAULT_KINDS, faultKindsSchema } from "./fake-github/faults";
import { FixtureError } from "./fake-github/fixture";
import { startFakeGitHub } from "./fake-github/server";

/** `npm run fake-github -- --fixture DIR --port PORT [--latency MS] [--rate-limit N] [--reload auto|manual] [--fault-rate R --faults K,K --seed N]` */
const USAGE =
  "usage: fake-github --fixture DIR [--port PORT] [--latency MS] [--rate-limit N] [--reload auto|manual]\n" +
  "                   [--fault-rate R --faults 500,502,429,403-secondary,404,timeout,truncated,disconnect,wrong-page-count --seed N]";

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
});

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
  try {
    const server = await startFakeGitHub({ fixture, port: parsed.data.port, latencyMs: parsed.data.latency, rateLimit: parsed.data["rate-limit"], reload: parsed.data.reload,
      faults: { rate: parsed.data["fault-rate"], kinds: parsed.data.faults, seed: parsed.data.seed },
    });
    process.stdout.write(`listening on ${server.url}\n`);
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
