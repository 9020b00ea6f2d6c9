/**
 * Engine throughput: files per second through the whole analysis (parse, extract, evaluate,
 * rules), against the floor of bare `yaml` parsing of the same files.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { analyze } from "../lib/engine/analyze";
import type { InputFile } from "../lib/engine/types";
import { syntheticWorkflows } from "./synthetic-workflows";

export interface EngineBenchResult {
  set: string;
  files: number;
  bytes: number;
  rounds: number;
  yamlMs: number;
  analyzeMs: number;
  filesPerSecond: number;
  yamlFilesPerSecond: number;
  ratioToYaml: number;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

export function corpusFiles(root: string): InputFile[] {
  return walk(root).map((p, i) => ({
    path: `.github/workflows/c${i}-${path.basename(p)}`,
    text: readFileSync(p, "utf8"),
  }));
}

/**
 * CPU time (user + system, ms) of fn. On a shared machine wall time swings with other processes'
 * load; CPU time of this process does far less, so ratios stay comparable between runs.
 */
async function timeIt(fn: () => Promise<void> | void): Promise<number> {
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

export async function benchEngine(set: string, files: InputFile[], rounds = 15): Promise<EngineBenchResult> {
  const bytes = files.reduce((n, f) => n + f.text.length, 0);
  // Warm up both paths a few times so JIT compilation is not measured (one pass is not enough
  // for the optimizing tiers on a small set like the corpus).
  for (let w = 0; w < 3; w++) {
    for (const f of files) parseDocument(f.text, { merge: true });
    for (const f of files) await analyze([f]);
  }
  let yamlMs = Infinity;
  let analyzeMs = Infinity;
  for (let r = 0; r < rounds; r++) {
    yamlMs = Math.min(yamlMs, await timeIt(() => {
      for (const f of files) parseDocument(f.text, { merge: true });
    }));
    analyzeMs = Math.min(analyzeMs, await timeIt(async () => {
      for (const f of files) await analyze([f]);
    }));
  }
  return {
    set,
    files: files.length,
    bytes,
    rounds,
    yamlMs: Math.round(yamlMs * 10) / 10,
    analyzeMs: Math.round(analyzeMs * 10) / 10,
    filesPerSecond: Math.round((files.length / analyzeMs) * 1000),
    yamlFilesPerSecond: Math.round((files.length / yamlMs) * 1000),
    ratioToYaml: Math.round((analyzeMs / yamlMs) * 100) / 100,
  };
}
