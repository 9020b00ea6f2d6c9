/**
 * `npm run bench`: prints a table and writes bench/results/latest.json.
 * Speed goals are measured here, never in timed tests.
 */
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { benchEngine, corpusFiles } from "./engine";
import { syntheticWorkflows } from "./synthetic-workflows";

async function main(): Promise<void> {
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };
  const corpusRoot = path.resolve("../shared/corpus/actionlint");
  const engine = [];
  if (existsSync(corpusRoot)) engine.push(await benchEngine("actionlint corpus", corpusFiles(corpusRoot)));
  engine.push(await benchEngine("synthetic docker workflows", syntheticWorkflows(300)));
  results.engine = engine;
  console.log("\nEngine throughput (best of rounds)");
  console.table(engine.map((r) => ({
    set: r.set, files: r.files, "KB": Math.round(r.bytes / 1024), "analyze ms": r.analyzeMs,
    "files/s": r.filesPerSecond, "yaml-only ms": r.yamlMs, "yaml files/s": r.yamlFilesPerSecond,
    "ratio to yaml": r.ratioToYaml,
  })));
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/latest.json", JSON.stringify(results, null, 2) + "\n");
  console.log("written bench/results/latest.json");
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
