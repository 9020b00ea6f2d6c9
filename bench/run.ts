/**
 * `npm run bench -- [--repos 200] [--latency 20] [--seed 1] [--change 1] [--baseline-repos N] [--only scan,baseline,engine,dashboard,store]
 *   [--findings 10000] [--open N] [--runs 15] [--database-url URL | --database postgres] [--keep]`
 * Generates a synthetic org, serves it from the fake GitHub + GHCR server with the given per-request
 * latency, and measures the cold scan, the warm rescan and the rescan after changing 1 % of repos, the
 * REST-contents baseline, engine throughput, the report page over --findings stored findings (--open of
 * them open) and storing --findings findings (store). Prints tables, writes
 * bench/results/latest.json and bench/results/README-performance.md. Speed goals are measured here,
 * never in timed tests.
 */
import { tuneHeapForScans } from "../lib/server/scan/heap";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { readGenerated } from "../lib/demo/generate-org";
import type { InputFile } from "../lib/engine/types";
import { benchBaseline } from "./baseline";
import { benchDashboard } from "./dashboard";
import { benchEngine, corpusFiles } from "./engine";
import { spawnFakeServer } from "./fake-server";
import { maxRssMb } from "./measure";
import { baselineRatio, markdown, scanRows, storageLine } from "./report";
import { RequestTap } from "./request-tap";
import { benchScans, manifestGetsPerDigest } from "./scan";
import { benchStore } from "./store";
import { type LocalPostgres, POSTGRES_MISSING, startPostgres } from "../lib/dev/postgres";
import { type WorkersRun, benchWorkers } from "./workers";
import { syntheticWorkflows } from "./synthetic-workflows";
import { type BenchData, judge } from "./targets";

const PARTS = ["scan", "baseline", "engine", "dashboard", "store", "workers"] as const;
/** what runs without --only: the workers part needs PostgreSQL and minutes, so it is asked for by name */
const DEFAULT_PARTS = PARTS.filter((p) => p !== "workers");
const argsSchema = z.object({
  repos: z.coerce.number().int().min(10).max(50_000).default(200),
  latency: z.coerce.number().int().min(0).max(5000).default(20),
  seed: z.string().default("1"),
  change: z.coerce.number().min(0.01).max(100).default(1),
  "baseline-repos": z.coerce.number().int().min(1).optional(),
  only: z.string().default(DEFAULT_PARTS.join(",")).transform((s) => s.split(",").map((x) => x.trim()))
    .pipe(z.array(z.enum(PARTS))),
  findings: z.coerce.number().int().min(1).default(10_000),
  /** open findings among --findings (default a tenth); the rest are resolved */
  open: z.coerce.number().int().min(1).optional(),
  /** timed runs per measurement (the median is reported) */
  runs: z.coerce.number().int().min(1).max(100).default(15),
  /** the dashboard and store benches' database (default a temp SQLite file); goes through createDb/ensureDatabase */
  "database-url": z.string().min(1).optional(),
  /** `postgres`: start a throwaway PostgreSQL (lib/dev/postgres.ts) and use a fresh database on it, stopped afterwards */
  database: z.enum(["sqlite", "postgres", "postgresql"]).default("sqlite").transform((x) => (x === "sqlite" ? "sqlite" : "postgres")),
  keep: z.boolean().default(false),
  /** --only workers: how many worker processes per run, each with --concurrency N; and the kill run */
  workers: z.string().default("1,4").transform((s) => s.split(",").map((x) => Number(x.trim()))).pipe(z.array(z.number().int().min(1).max(16))),
  "worker-concurrency": z.coerce.number().int().min(1).max(16).default(1),
  "worker-expire": z.coerce.number().int().min(2).max(3600).default(60),
  "worker-batch": z.coerce.number().int().min(1).max(1000).optional(),
  /** the workers' store: the queue's PostgreSQL database (default, as deployed) or a SQLite file */
  "worker-store": z.enum(["postgres", "sqlite"]).default("postgres"),
  "no-kill": z.boolean().default(false),
});

function orgWorkflowFiles(fixture: string): InputFile[] {
  const g = readGenerated(fixture);
  const files: InputFile[] = [];
  for (const r of g.repos) {
    const dir = path.join(fixture, "repos", r.name, ".github", "workflows");
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) files.push({ path: `.github/workflows/${f}`, text: readFileSync(path.join(dir, f), "utf8"), repo: `${g.org}/${r.name}` });
  }
  return files;
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: {
      repos: { type: "string" }, latency: { type: "string" }, seed: { type: "string" }, change: { type: "string" },
      "baseline-repos": { type: "string" }, only: { type: "string" }, findings: { type: "string" }, keep: { type: "boolean" },
      open: { type: "string" }, runs: { type: "string" }, "database-url": { type: "string" }, database: { type: "string" },
      workers: { type: "string" }, "worker-concurrency": { type: "string" }, "worker-expire": { type: "string" }, "worker-batch": { type: "string" }, "worker-store": { type: "string" }, "no-kill": { type: "boolean" },
    } }));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join("\n"));
    return 2;
  }
  const a = parsed.data;
  // `--database-url postgres` is short for `--database postgres`
  if (a["database-url"] === "postgres" || a["database-url"] === "postgresql") {
    a.database = "postgres";
    a["database-url"] = undefined;
  }
  if (a.database === "postgres" && a["database-url"]) {
    console.error("--database postgres starts its own server: drop --database-url (or keep --database-url and drop --database)");
    return 2;
  }
  let pg: LocalPostgres | null = null;
  /** the dashboard and store benches' database: --database-url, else a fresh database on the throwaway server, else SQLite (undefined) */
  const databaseUrl = async (name: string): Promise<string | undefined> => {
    if (a["database-url"]) return a["database-url"];
    if (a.database !== "postgres") return undefined;
    if (!pg) {
      pg = await startPostgres();
      if (!pg) throw new Error(POSTGRES_MISSING);
      console.log(`started a throwaway PostgreSQL on 127.0.0.1:${pg.port}`);
    }
    return pg.createDatabase(name);
  };
  const command = `npm run bench -- ${argv.join(" ")}`.trim();
  const tmp = mkdtempSync(path.join(tmpdir(), "cacheguard-bench-"));
  const fixture = path.join(tmp, "org");
  const data: BenchData = { repos: a.repos, latencyMs: a.latency };
  const meta = { date: new Date().toISOString(), node: process.version, cpu: `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}` };
  console.log(`cacheguard bench: ${a.repos} repos, ${a.latency} ms latency, seed ${a.seed}  (temp ${tmp})`);
  try {
    // in a child process, so generating thousands of repos does not count in this process's RSS
    execFileSync(process.execPath, ["--import", "tsx", path.resolve(import.meta.dirname, "..", "lib", "demo", "generate-org.ts"),
      "--repos", String(a.repos), "--seed", a.seed, "--out", fixture], { stdio: "ignore" });
    const g = readGenerated(fixture);
    console.log(`generated ${g.repos.length} repos, ${g.files} files, ${g.packages} packages, ${g.tags} tags, ${g.manifests} manifests`);
    const collisions = Object.values(g.expected).reduce((n, x) => n + x.length, 0);

    // The engine first, in the process as `cacheguard check` runs it; then the scans, with the
    // heap tuning the scanning processes (server, `cacheguard scan`) use.
    if (a.only.includes("engine")) {
      const corpusRoot = path.resolve(import.meta.dirname, "..", "..", "shared", "corpus", "actionlint");
      const engine = [];
      if (existsSync(corpusRoot)) engine.push(await benchEngine("actionlint corpus", corpusFiles(corpusRoot)));
      engine.push(await benchEngine("synthetic docker workflows", syntheticWorkflows(300)));
      engine.push(await benchEngine("generated org workflows", orgWorkflowFiles(fixture)));
      data.engine = engine;
      console.log("\nEngine throughput (CPU time of this process, best of 15 rounds)");
      console.table(engine.map((r) => ({
        set: r.set, files: r.files, KB: Math.round(r.bytes / 1024), "analyze CPU ms": r.analyzeMs, "files/s": r.filesPerSecond,
        "yaml-only CPU ms": r.yamlMs, "yaml files/s": r.yamlFilesPerSecond, "ratio to yaml": r.ratioToYaml,
      })));
    }

    tuneHeapForScans();
    if (a.only.includes("scan") || a.only.includes("baseline")) {
      const server = await spawnFakeServer(fixture, a.latency);
      const tap = new RequestTap(server.url);
      tap.install();
      try {
        if (a.only.includes("scan")) {
          data.scans = await benchScans({ fixture, org: g.org, server, tap, tmp, changePercent: a.change });
          data.manifests = manifestGetsPerDigest(data.scans);
          console.log(`\nOrg scan (${collisions} planned collision repos; fresh SQLite database)`);
          console.table(scanRows({ ...data, baseline: undefined }));
          for (const r of data.scans.filter((x) => x.error)) console.log(`  ${r.name} scan FAILED: ${r.error}`);
          for (const r of data.scans) console.log(`  ${r.name}: phases ${JSON.stringify(r.phasesMs)}  memory ${JSON.stringify(r.phasesPeakMb)}  requests ${JSON.stringify(r.byPurpose)}  findings ${JSON.stringify(r.findings.byRule)}`);
          const st = storageLine(data);
          if (st) console.log(`  ${st}`);
        }
        if (a.only.includes("baseline")) {
          data.baseline = await benchBaseline({ server, org: g.org, sampleRepos: a["baseline-repos"] });
          const ratio = baselineRatio(data);
          console.log(`\nBaseline (REST contents, repo by repo): ${data.baseline.projectedRequests} requests, ${(data.baseline.projectedWallMs / 1000).toFixed(1)} s` +
            `${data.baseline.extrapolated ? ` (extrapolated from ${data.baseline.reposRead} repos)` : ""}` +
            (ratio ? `: ${ratio.requests}x the scan's GitHub requests, ${ratio.wall}x its wall time` : ""));
        }
      } finally {
        tap.uninstall();
        await server.close();
      }
    }

    let workers: WorkersRun[] | undefined;
    if (a.only.includes("workers")) {
      const server = await spawnFakeServer(fixture, a.latency);
      try {
        console.log(`\nWorkers: ${a.workers.join(", ")} \`cacheguard worker\` processes (--concurrency ${a["worker-concurrency"]}) on a pg-boss queue, one cold scan each${a["no-kill"] ? "" : ", then one killed mid-batch"}`);
        workers = await benchWorkers({
          tmp, server, org: g.org, counts: a.workers, concurrency: a["worker-concurrency"], kill: !a["no-kill"], expireSeconds: a["worker-expire"], repoBatch: a["worker-batch"], store: a["worker-store"],
        });
        console.table(workers.map((r) => ({
          run: r.name, status: r.status, "wall s": Math.round(r.wallMs / 100) / 10, "batches s": Math.round(r.readMs / 100) / 10, "analysis s": Math.round(r.analyzeMs / 100) / 10, batches: r.batches, retried: r.retriedBatches,
          requests: r.requests.total, REST: r.requests.rest, GraphQL: r.requests.graphql, registry: r.requests.registry,
          "peak RSS MB per worker": r.peakRssMb.join(" / "), "open findings": r.openFindings, "same findings": r.sameFindings ?? "-",
        })));
      } finally {
        await server.close();
      }
    }

    if (a.only.includes("dashboard")) {
      const d = (data.dashboard = await benchDashboard({ tmp, findings: a.findings, open: a.open, runs: a.runs, databaseUrl: await databaseUrl("bench_dashboard") }));
      console.log(`\nReport page with ${d.findings} findings, ${d.open} open, on ${d.database} (median of ${d.runs}): first page ${d.firstPageMs} ms, next page ${d.nextPageMs ?? "n/a"} ms, ` +
        `filtered (rule + search + sort by repo, page 2) ${d.filteredPageMs} ms (${d.filteredTotal} match), repository ${d.repoPageMs} ms, rule + severity ${d.ruleSeverityPageMs} ms; ` +
        `GET /api/findings ${d.apiFirstPageMs ?? "n/a"} / filtered ${d.apiFilteredPageMs ?? "n/a"} / repository ${d.apiRepoPageMs ?? "n/a"} ms${d.apiError ? ` (${d.apiError})` : ""}`);
    }

    if (a.only.includes("store")) {
      const st = (data.store = await benchStore({ tmp, findings: a.findings, databaseUrl: await databaseUrl("bench_store") }));
      console.log(`\nStoring ${st.findings} findings on ${st.database} (${st.repos} repos; persistFindings, rows written as Prisma counts them)`);
      console.table(st.steps.map((x) => ({ step: x.name, findings: x.findings, ms: x.ms, "rows written": x.rowsWritten, created: x.written.created, updated: x.written.updated, resolved: x.written.resolved })));
    }

    const targets = judge(data);
    console.log("\nTargets");
    console.table(targets.map((t) => ({ target: t.target, measured: t.measured, verdict: t.verdict + (t.note ? ` (${t.note})` : "") })));
    const outDir = path.resolve(import.meta.dirname, "results");
    mkdirSync(outDir, { recursive: true });
    const json = { ...meta, command, args: a, processMaxRssMb: maxRssMb(), generated: { packages: g.packages, tags: g.tags, manifests: g.manifests, files: g.files, expected: g.expected },
      ...data, ...(workers ? { workers } : {}), scans: data.scans?.map((r) => ({ ...r, manifestGets: r.manifestGets.length })), baselineRatio: baselineRatio(data), targets };
    // latest.json is the last run; the per-size copy keeps e.g. the 1,000- and 5,000-repo runs side by side
    const tag = `${a.repos}-repos-${a.latency}ms`;
    const md = markdown(data, targets, command, meta);
    for (const name of ["latest", `${tag}${a.only.join() !== DEFAULT_PARTS.join() ? `-${a.only.join("-")}` : ""}`]) writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
    // the README's table comes from a complete run only; partial runs (--only) keep their own copy
    if (DEFAULT_PARTS.every((p) => a.only.includes(p))) writeFileSync(path.join(outDir, "README-performance.md"), md);
    writeFileSync(path.join(outDir, `README-performance-${tag}${a.only.join() !== DEFAULT_PARTS.join() ? `-${a.only.join("-")}` : ""}.md`), md);
    console.log(`written ${path.relative(process.cwd(), outDir)}/latest.json, ${tag}.json and README-performance.md`);
    return 0;
  } finally {
    if (pg) await (pg as LocalPostgres).stop();
    if (a.keep) console.log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
