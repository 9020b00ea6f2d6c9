/**
 * Deterministic synthetic organizations in the fake GitHub server's fixture format, for benchmarks
 * and scale tests: `npx tsx lib/demo/generate-org.ts --repos N --seed S --out DIR [--org acme]`
 * and, on an existing folder, `--change PERCENT` (edit a workflow in that share of repos).
 * The same repos + seed always give byte-identical files. DIR/generated.json describes the plan
 * and the findings a scan should report.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { actionsCacheGenerator } from "./generate-org-actions-cache";
import { PackageWriter } from "./generate-org-packages";
import { type RepoPlan, createRng, expectedFindings, isScanned, planOrg } from "./generate-org-plan";
import { COLLISION_ARCHETYPES, DOCKER_ARCHETYPES, repoFiles } from "./generate-org-workflows";

export { collisionCount, planOrg, type RepoPlan } from "./generate-org-plan";

export interface GenerateOrgOptions { repos: number; seed: number | string; out: string; org?: string }

export interface GeneratedOrg {
  org: string;
  seed: number | string;
  repos: RepoPlan[];
  /** rule id -> repos a scan (default: archived, forks and empty repos skipped) should report it on */
  expected: Record<string, string[]>;
  /** `package:tag` a scan should report registry-tag-holds-cache (error) on */
  expectedRegistry: string[];
  /** refs on the fake Docker Hub a scan should report registry-tag-holds-cache (error) on */
  expectedHub?: string[];
  /** repos that also push their image to Docker Hub (`docker.io/<org>/<repo>:latest`) */
  hubMirrors?: number;
  packages: number;
  tags: number;
  /** distinct manifest digests (tags and index children) */
  manifests: number;
  files: number;
}

const generatedSchema = z.object({
  org: z.string(),
  seed: z.union([z.number(), z.string()]),
  repos: z.array(z.object({
    name: z.string(), archetype: z.string(), archived: z.boolean(), fork: z.boolean(), empty: z.boolean(),
    private: z.boolean(), target: z.string().optional(),
  })),
  expected: z.record(z.string(), z.array(z.string())),
  expectedRegistry: z.array(z.string()),
  expectedHub: z.array(z.string()).optional(),
  hubMirrors: z.number().optional(),
  packages: z.number(), tags: z.number(), manifests: z.number(), files: z.number(),
});

function writeFile(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Packages a repo of this plan publishes, with tags shaped like its workflows' pushes. */
function writePackages(root: string, org: string, p: RepoPlan, pick: (n: number) => number, registryHits: string[]): PackageWriter[] {
  const meta = () => ({ repository: p.name, untagged_versions: 50 + pick(4000), visibility: p.private ? "private" : "public" });
  const sha = () => Array.from({ length: 7 }, () => "0123456789abcdef"[pick(16)]).join("");
  const cache = (w: PackageWriter, seed: string) => (pick(10) < 7 ? w.cacheManifest(seed) : w.cacheIndex(seed, pick(3) === 0));
  const one = new PackageWriter(root, p.name, meta());
  switch (p.archetype) {
    case "bpa-registry": {
      const multi = pick(2) === 1;
      const latest = multi ? one.multiArch("latest") : one.image("latest");
      const d = one.tag("latest", latest, multi ? "multi-arch" : "image");
      one.tag(sha(), latest, multi ? "multi-arch" : "image"); // the newest commit's tag: same digest as latest
      for (let i = pick(3); i > 0; i--) one.tag(sha(), one.image(`old${i}`), "image");
      const c = pick(10) < 7 ? "cache" : "cache-index";
      one.tag("buildcache", cache(one, "buildcache"), c);
      if (pick(5) === 0) one.signature(d.digest);
      return [one];
    }
    case "metadata": {
      const release = one.multiArch("release");
      one.tag("main", release, "multi-arch");
      one.tag(`v1.${pick(20)}.${pick(10)}`, release, "multi-arch");
      one.tag(`sha-${sha()}`, release, "multi-arch");
      one.tag(`v0.${pick(20)}.0`, one.multiArch("previous"), "multi-arch");
      one.tag("buildcache", one.cacheManifest("buildcache"), "cache");
      return [one];
    }
    case "matrix":
      for (const v of ["slim", "full"]) {
        one.tag(v, one.image(v), "image");
        one.tag(`${v}-cache`, cache(one, `${v}-cache`), "cache");
      }
      return [one];
    case "gha":
    case "gha-cache-scope-shared":
    case "cache-from-never-written":
      one.tag("latest", one.image("latest"), "image");
      one.tag(sha(), one.image("previous"), "image");
      return [one];
    case "run-buildx": {
      const edge = one.multiArch("edge");
      one.tag("edge", edge, "multi-arch");
      one.tag(sha(), edge, "multi-arch");
      one.tag("buildcache", cache(one, "buildcache"), "cache");
      return [one];
    }
    case "bake":
      rmSync(one.dir, { recursive: true, force: true });
      return ["api", "worker"].map((t) => {
        const w = new PackageWriter(root, `${p.name}-${t}`, meta());
        const img = w.image("main");
        w.tag("main", img, "image");
        w.tag("dev", img, "image");
        w.tag("cache", w.cacheManifest("cache"), "cache");
        return w;
      });
    case "cache-overwrites-image-tag":
      one.tag("test", cache(one, "test"), "cache"); // the cache export ran after the image push
      one.tag("v1.0.0", one.image("v1.0.0"), "image");
      registryHits.push(`${p.name}:test`);
      return [one];
    case "cache-overwrites-other-image":
      one.tag(sha(), one.image("head"), "image");
      return [one];
    case "cache-ref-used-as-image": {
      rmSync(one.dir, { recursive: true, force: true });
      const w = new PackageWriter(root, `${p.name}-runner`, meta());
      w.tag("cache", pick(2) ? w.cacheIndex("cache") : w.cacheManifest("cache"), "cache");
      w.tag(sha(), w.image("head"), "image");
      registryHits.push(`${p.name}-runner:cache`);
      return [w];
    }
    default:
      rmSync(one.dir, { recursive: true, force: true });
      return [];
  }
}

/**
 * A third of the repos that push one image (bpa-registry) also push it to Docker Hub, as many
 * projects mirror a public image there: its `tags:` gains `docker.io/<org>/<repo>:latest`, and the
 * fake Docker Hub holds that tag; in one mirror of four it holds a cache (an error to report). A
 * stream of its own, and edits after the templates: the rest of the org is byte for byte what it
 * was without mirrors.
 */
function mirrorToHub(out: string, org: string, p: RepoPlan, pick: (n: number) => number, hits: string[]): boolean {
  if (p.archetype !== "bpa-registry" || !isScanned(p) || pick(3) !== 0) return false;
  const file = path.join(out, "repos", p.name, ".github", "workflows", "docker.yml");
  const text = readFileSync(file, "utf8");
  const img = `ghcr.io/${org}/${p.name}:latest`;
  const m = new RegExp(`^( *)${img.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m").exec(text);
  if (!m) return false;
  writeFileSync(file, text.replace(m[0], `${m[0]}\n${m[1]}docker.io/${org}/${p.name}:latest`));
  const w = new PackageWriter(path.join(out, "registries", "docker.io", org), p.name, {});
  if (pick(4) === 0) {
    w.tag("latest", w.cacheManifest("latest"), "cache");
    hits.push(`docker.io/${org}/${p.name}:latest`);
  } else {
    w.tag("latest", w.image("latest"), "image");
  }
  return true;
}

export function generateOrg(opts: GenerateOrgOptions): GeneratedOrg {
  const org = opts.org ?? "acme";
  const plans = planOrg(opts.repos, opts.seed);
  const rng = createRng(`${opts.seed}:content`);
  rmSync(opts.out, { recursive: true, force: true });
  mkdirSync(path.join(opts.out, "repos"), { recursive: true });
  mkdirSync(path.join(opts.out, "packages"), { recursive: true });
  writeFile(path.join(opts.out, "org.json"), `${JSON.stringify({ login: org, name: `${org} (synthetic, ${opts.repos} repos)` })}\n`);
  let files = 0;
  let packages = 0;
  let tags = 0;
  const digests = new Set<string>();
  const registryHits: string[] = [];
  const actionsCache = actionsCacheGenerator(opts.seed);
  const hubRng = createRng(`${opts.seed}:hub`);
  const hubHits: string[] = [];
  let hubMirrors = 0;
  for (const p of plans) {
    const meta = { archived: p.archived || undefined, fork: p.fork || undefined, private: p.private || undefined, empty: p.empty || undefined };
    if (Object.values(meta).some(Boolean)) writeFile(path.join(opts.out, "repos", `${p.name}.json`), `${JSON.stringify(meta)}\n`);
    if (p.empty) continue;
    const otherImage = p.target ? `ghcr.io/${org}/${p.target}:latest` : undefined;
    const texts: string[] = [];
    for (const [rel, text] of Object.entries(repoFiles(p.archetype, { org, repo: p.name, pick: rng.pick, otherImage }))) {
      writeFile(path.join(opts.out, "repos", p.name, rel), text);
      texts.push(text);
      files++;
    }
    const cache = actionsCache(texts);
    if (cache) writeFile(path.join(opts.out, "repos", `${p.name}.json`), `${JSON.stringify({ ...meta, actions_cache: cache })}\n`);
    if (mirrorToHub(opts.out, org, p, hubRng.pick, hubHits)) hubMirrors++;
    if (!isScanned(p) || !DOCKER_ARCHETYPES.has(p.archetype)) continue;
    for (const w of writePackages(path.join(opts.out, "packages"), org, p, rng.pick, registryHits)) {
      packages++;
      tags += Object.keys(w.written.tags).length;
      for (const d of w.written.digests) digests.add(d);
    }
  }
  const result: GeneratedOrg = {
    org, seed: opts.seed, repos: plans, expected: expectedFindings(plans), expectedRegistry: registryHits.sort(),
    expectedHub: hubHits.sort(), hubMirrors, packages, tags, manifests: digests.size, files,
  };
  writeFile(path.join(opts.out, "generated.json"), `${JSON.stringify(result, null, 1)}\n`);
  return result;
}

export function readGenerated(out: string): GeneratedOrg {
  const parsed = generatedSchema.parse(JSON.parse(readFileSync(path.join(out, "generated.json"), "utf8")));
  return parsed as GeneratedOrg;
}

export interface ChangeResult { changed: string[]; fixed: string[]; broken: string[] }

/**
 * Edit one workflow in `percent` % of the scanned repos (at least one), deterministically. The first
 * edit fixes a cache-overwrites-image-tag repo and the second breaks a clean one the same way, so a
 * rescan has a resolved and a new finding; the others change a runner label (head moves, findings stay).
 */
export function changeRepos(opts: { out: string; percent: number; seed?: number | string }): ChangeResult {
  const gen = readGenerated(opts.out);
  const rng = createRng(`${opts.seed ?? gen.seed}:change:${opts.percent}`);
  const workflowsOf = (name: string) => {
    const dir = path.join(opts.out, "repos", name, ".github", "workflows");
    return existsSync(dir) ? readdirSync(dir).sort().map((f) => path.join(dir, f)) : [];
  };
  const candidates = gen.repos.filter((p) => isScanned(p) && workflowsOf(p.name).length > 0);
  const want = Math.max(1, Math.round((candidates.length * opts.percent) / 100));
  const result: ChangeResult = { changed: [], fixed: [], broken: [] };
  const edit = (p: RepoPlan, file: string, from: RegExp, to: string): boolean => {
    const text = readFileSync(file, "utf8");
    const next = text.replace(from, to);
    if (next === text) return false;
    writeFileSync(file, next);
    result.changed.push(p.name);
    return true;
  };
  const img = (p: RepoPlan) => `ghcr.io/${gen.org}/${p.name}`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const toFix = candidates.find((p) => p.archetype === "cache-overwrites-image-tag");
  if (toFix && edit(toFix, workflowsOf(toFix.name)[0], new RegExp(`ref=${img(toFix)}:test`, "g"), `ref=ghcr.io/${gen.org}/${toFix.name}:test-cache`)) {
    result.fixed.push(toFix.name);
    gen.expected["cache-overwrites-image-tag"] = gen.expected["cache-overwrites-image-tag"].filter((n) => n !== toFix.name);
  }
  const toBreak = result.changed.length < want ? candidates.find((p) => p.archetype === "bpa-registry") : undefined;
  if (toBreak && edit(toBreak, workflowsOf(toBreak.name).at(-1)!, new RegExp(`ref=${img(toBreak)}:buildcache`, "g"), `ref=ghcr.io/${gen.org}/${toBreak.name}:latest`)) {
    result.broken.push(toBreak.name);
    gen.expected["cache-overwrites-image-tag"] = [...gen.expected["cache-overwrites-image-tag"], toBreak.name].sort();
  }
  const rest = candidates.filter((p) => !result.changed.includes(p.name));
  while (result.changed.length < want && rest.length > 0) {
    const p = rest.splice(rng.pick(rest.length), 1)[0];
    const file = workflowsOf(p.name)[0];
    if (!edit(p, file, /runs-on: ubuntu-latest/, "runs-on: ubuntu-24.04")) {
      writeFileSync(file, `${readFileSync(file, "utf8")}# touched by changeRepos\n`);
      result.changed.push(p.name);
    }
  }
  writeFile(path.join(opts.out, "generated.json"), `${JSON.stringify(gen, null, 1)}\n`);
  return result;
}

const cliSchema = z.object({
  repos: z.coerce.number().int().min(1).max(100_000).default(200),
  seed: z.string().default("1").transform((s) => (/^\d+$/.test(s) ? Number(s) : s)),
  out: z.string({ error: "--out DIR is required" }).min(1),
  org: z.string().regex(/^[a-z0-9-]+$/i).default("acme"),
  change: z.coerce.number().min(0).max(100).optional(),
});

function main(argv: string[]): number {
  const usage = "usage: generate-org --repos N --seed S --out DIR [--org acme]\n       generate-org --out DIR --change PERCENT";
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: {
      repos: { type: "string" }, seed: { type: "string" }, out: { type: "string" }, org: { type: "string" }, change: { type: "string" },
    }, strict: true }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${usage}\n`);
    return 2;
  }
  const parsed = cliSchema.safeParse(values);
  if (!parsed.success) {
    process.stderr.write(`${parsed.error.issues.map((i) => `--${String(i.path[0] ?? "")}: ${i.message}`).join("\n")}\n${usage}\n`);
    return 2;
  }
  const a = parsed.data;
  if (a.change !== undefined) {
    const r = changeRepos({ out: a.out, percent: a.change });
    process.stdout.write(`changed ${r.changed.length} repos (fixed: ${r.fixed.join(", ") || "none"}; broken: ${r.broken.join(", ") || "none"})\n`);
    return 0;
  }
  const g = generateOrg({ repos: a.repos, seed: a.seed, out: a.out, org: a.org });
  const collisions = Object.entries(g.expected).map(([k, v]) => `${k} ${v.length}`).join(", ");
  process.stdout.write(`wrote ${a.out}: ${g.repos.length} repos, ${g.files} files, ${g.packages} packages, ${g.tags} tags, ${g.manifests} manifests\ncollisions: ${collisions}\n`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) process.exitCode = main(process.argv.slice(2));

export const COLLISION_RULES = COLLISION_ARCHETYPES;
