import { cacheTagFor, separateCacheFix } from "../fix";
import { normalizeImageRef } from "../refs";
import type { Build, ConsumerKind, Finding, Fix, RepoModel, Rule, Value } from "../types";

/** One registry tag and what its manifest holds (from the registry, classified once per digest). */
export interface RegistryTagInfo {
  /**
   * the registry host the tag lives on, as refs name it (`docker.io`, `quay.io`, `localhost:5000`);
   * absent: GHCR, whose tags come from the org's package list
   */
  registry?: string;
  /** package name, e.g. `api` or `tools/builder` (on another registry: the repository path after `owner/`) */
  package: string;
  /** org or user owning the package (on another registry: the repository's first path part; "" for a one-part name) */
  owner: string;
  tag: string;
  /** image | index | cache | cache-index | attestation | signature | artifact | unknown */
  kind: string;
  digest: string;
}

const RULE_ID = "registry-tag-holds-cache";
const REGISTRY = "ghcr.io";

const FIX_TEXT =
  "Move the cache to a separate ref (for example `:<tag>-cache` or `:buildcache`) in every `cache-to`/`cache-from`, " +
  "then push the image to the tag again so it holds an image instead of the cache.";

export const registryTagHoldsCache: Rule = {
  id: RULE_ID,
  kind: "live",
  title: "Registry tag holds a BuildKit cache",
  severity: "error",
  description:
    "The registry says this tag's manifest is a BuildKit cache (an image manifest whose config is " +
    "`application/vnd.buildkit.cacheconfig.v0`, or an index of cache layers), not a runnable image. " +
    "`docker run`/`docker pull` of it fails with \"manifest unknown\", \"no matching manifest for linux/amd64\" " +
    "or \"unsupported media type\". It is an error when a workflow pulls or runs the tag, or a build pushes an " +
    "image to it (the cache export overwrites the image after every build); a warning when the tag's name " +
    "looks like a release tag (latest, a version, main, stable, test…) that people will try to run. " +
    "GHCR tags are read from the org's package list; on Docker Hub and any other OCI registry, the tags " +
    "workflows push images or caches to are read by name (no catalogue crawl), and a tag that could not be " +
    "read is reported as not read, never as clean.",
  example: {
    bad:
      "- uses: docker/build-push-action@v6\n  with:\n    push: true\n    tags: ghcr.io/acme/api:test\n" +
      "    cache-to: type=registry,ref=ghcr.io/acme/api:test,mode=max\n",
    good:
      "- uses: docker/build-push-action@v6\n  with:\n    push: true\n    tags: ghcr.io/acme/api:test\n" +
      "    cache-to: type=registry,ref=ghcr.io/acme/api:test-cache,mode=max\n",
  },
  fix: FIX_TEXT,
  // live rule: it needs registry data, see checkRegistryTags
  check: () => [],
};

const CACHE_KINDS = new Set(["cache", "cache-index"]);

const RELEASE_WORDS = new Set([
  "latest", "main", "master", "stable", "prod", "production", "release", "test", "testing", "dev",
  "develop", "development", "edge", "nightly", "staging", "stage", "beta", "alpha", "canary", "preview", "qa", "live",
]);

/** Does this tag name look like something people pull and run (rather than a cache ref)? */
export function looksLikeReleaseTag(tag: string): boolean {
  const t = tag.toLowerCase();
  if (RELEASE_WORDS.has(t)) return true;
  // semver-ish: 1, 1.2, v1.2.3, 1.2.3-rc.1, 2024.01.05
  if (/^v?\d+(\.\d+){0,3}([-+][0-9a-z.-]+)?$/.test(t)) return true;
  // sha-abc1234 / pr-123 (docker/metadata-action defaults): images, not caches
  if (/^(sha-[0-9a-f]{7,40}|pr-\d+)$/.test(t)) return true;
  return false;
}

function tagKey(registry: string, repository: string, tag: string): string {
  return `${registry.toLowerCase()}/${repository.toLowerCase()}:${tag}`;
}

/** `<registry>/<repository>:<tag>` key of a workflow value, when it names a tag on a known registry. */
function refKey(v: Value): string | null {
  const ref = normalizeImageRef(v.text);
  if (!ref || !ref.registry || !ref.tag || ref.digest) return null;
  return tagKey(ref.registry, ref.repository, ref.tag);
}

/** The repository path of a tag: `owner/package`, or `package` for a one-part name. */
function repositoryOf(t: RegistryTagInfo): string {
  return (t.owner ? `${t.owner}/${t.package}` : t.package).toLowerCase();
}

interface Use {
  repo?: string;
  path: string;
  line: number;
  column: number;
  what: string;
  confidence: Finding["confidence"];
}

function confidenceOf(v: Value): Finding["confidence"] {
  if (v.speculative) return "low";
  return v.resolved ? "high" : "medium";
}

const CONSUMER_VERB: Record<ConsumerKind, string> = {
  "docker-run": "runs it with `docker run`",
  "docker-pull": "pulls it with `docker pull`",
  "docker-create": "creates a container from it",
  "job-container": "runs a job in it (`container:`)",
  "service-container": "runs it as a service container",
  "uses-docker": "runs it as a step (`uses: docker://`)",
  "dockerfile-from": "builds FROM it",
  "imagetools-source": "merges it into a manifest list with `docker buildx imagetools create`",
  crane: "copies or pulls it with `crane`",
  skopeo: "copies or inspects it with `skopeo`",
  regctl: "copies it with `regctl image copy`",
  "acr-import": "imports it into ACR with `az acr import`",
};

/** Where workflows pull/run each registry tag or push an image to it. */
function collectUses(models: RepoModel[]): Map<string, Use[]> {
  const uses = new Map<string, Use[]>();
  const add = (key: string | null, u: Use) => {
    if (!key) return;
    const list = uses.get(key) ?? [];
    list.push(u);
    uses.set(key, list);
  };
  for (const m of models) {
    for (const b of m.builds) {
      for (const t of b.tags) {
        add(refKey(t), {
          repo: b.repo ?? m.repo, path: t.span.path, line: t.span.line, column: t.span.column,
          what: `pushes an image to it (job \`${b.job}\`)`, confidence: confidenceOf(t),
        });
      }
    }
    for (const c of m.consumers) {
      add(refKey(c.ref), {
        repo: c.repo ?? m.repo, path: c.ref.span.path, line: c.ref.span.line, column: c.ref.span.column,
        what: `${CONSUMER_VERB[c.kind] ?? "uses it as an image"}${c.job ? ` (job \`${c.job}\`)` : ""}`, confidence: confidenceOf(c.ref),
      });
    }
  }
  return uses;
}

/** Where builds export a registry cache to each tag (the only place a cache-only tag on another registry is named). */
function collectCacheWrites(models: RepoModel[]): Map<string, Use[]> {
  const writes = new Map<string, Use[]>();
  for (const m of models) {
    for (const b of m.builds) {
      for (const spec of b.cacheTo) {
        if (spec.type !== "registry" || !spec.ref) continue;
        const key = refKey(spec.ref);
        if (!key) continue;
        const list = writes.get(key) ?? [];
        list.push({
          repo: b.repo ?? m.repo, path: spec.ref.span.path, line: spec.ref.span.line, column: spec.ref.span.column,
          what: `exports its cache to it (job \`${b.job}\`)`, confidence: confidenceOf(spec.ref),
        });
        writes.set(key, list);
      }
    }
  }
  return writes;
}

/** A tag on a registry other than GHCR that the live rule needs read: its host, repository and tag. */
export interface LiveRef { ref: string; registry: string; repository: string; tag: string }

/**
 * The tags on registries other than GHCR whose content decides a finding of this rule: every
 * resolved tag a build pushes an image to (not a build that only loads it: `push: false`), or
 * exports a registry cache to when someone pulls it or its name looks like a release. Any other tag cannot give a finding whatever it holds, so it is
 * not read. Derived from the same keys `checkRegistryTags` matches on, deduplicated, sorted.
 */
export function liveRefsToRead(models: RepoModel[]): LiveRef[] {
  const uses = collectUses(models);
  const out = new Map<string, LiveRef>();
  const consider = (v: Value, cacheOnly: boolean) => {
    if (!v.resolved) return;
    const ref = normalizeImageRef(v.text);
    if (!ref || !ref.registry || ref.registry.toLowerCase() === REGISTRY || !ref.tag || ref.digest) return;
    const key = tagKey(ref.registry, ref.repository, ref.tag);
    if (cacheOnly && !uses.has(key) && !looksLikeReleaseTag(ref.tag)) return;
    if (!out.has(key)) out.set(key, { ref: key, registry: ref.registry.toLowerCase(), repository: ref.repository.toLowerCase(), tag: ref.tag });
  };
  for (const m of models) {
    for (const b of m.builds) {
      if (b.push !== false) for (const t of b.tags) consider(t, false);
      for (const spec of b.cacheTo) if (spec.type === "registry" && spec.ref) consider(spec.ref, true);
    }
  }
  return [...out.values()].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}

/** A diff moving the cache export that writes this tag (in the same repo + file) to its own ref. */
function diffFix(key: string, repo: string | undefined, path: string, builds: Build[], files?: Map<string, string>): Fix | undefined {
  if (!files) return undefined;
  for (const b of builds) {
    if ((b.repo ?? undefined) !== (repo ?? undefined) || b.path !== path) continue;
    for (const spec of b.cacheTo) {
      if (spec.type !== "registry" || !spec.ref || refKey(spec.ref) !== key) continue;
      const fix = separateCacheFix(spec.ref, repo, builds, files);
      if (fix) return fix;
    }
  }
  return undefined;
}

/**
 * Live check: registry tags whose manifest is a BuildKit cache. Error at each workflow place that
 * pulls/runs the tag or pushes an image to it (one finding per repo + file); otherwise a warning on
 * the package tag itself when its name looks like a release tag. With `files` (texts by
 * `repo:path`, as RuleContext.files) the fix carries a diff where the cache export is in that file.
 */
export function checkRegistryTags(models: RepoModel[], tags: RegistryTagInfo[], files?: Map<string, string>): Finding[] {
  const uses = collectUses(models);
  let cacheWrites: Map<string, Use[]> | null = null;
  const builds = models.flatMap((m) => m.builds.map((b) => (b.repo || !m.repo ? b : { ...b, repo: m.repo })));
  const findings: Finding[] = [];
  for (const t of tags) {
    if (!CACHE_KINDS.has(t.kind)) continue;
    const registry = (t.registry ?? REGISTRY).toLowerCase();
    const repository = repositoryOf(t);
    const ref = `${registry}/${repository}:${t.tag}`;
    const form = t.kind === "cache" ? "an OCI image manifest with a BuildKit cache config" : "an index of BuildKit cache blobs";
    const fix = {
      description: `Move the cache to a separate ref such as \`${registry}/${repository}:${cacheTagFor(t.tag)}\` in every cache-to/cache-from, then push the image to \`${ref}\` again.`,
      diff: "",
    };
    const key = tagKey(registry, repository, t.tag);
    const here = uses.get(key) ?? [];
    if (here.length > 0) {
      // one finding per repo + file; the other places in the same file become related locations
      const byFile = new Map<string, Use[]>();
      for (const u of here) {
        const k = `${u.repo ?? ""}\u0000${u.path}`;
        byFile.set(k, [...(byFile.get(k) ?? []), u]);
      }
      for (const group of byFile.values()) {
        const [first, ...rest] = group.sort((a, b) => a.line - b.line || a.column - b.column);
        findings.push({
          ruleId: RULE_ID, severity: "error", confidence: first.confidence, repo: first.repo,
          path: first.path, line: first.line, column: first.column, ref,
          message: `\`${ref}\` holds a BuildKit cache (${form}, digest ${t.digest.slice(0, 19)}…), not an image, but ${first.path.startsWith(".github/workflows/") ? "this workflow" : "a build in this file"} ${first.what}: pulling or running it fails.`,
          fix: diffFix(key, first.repo, first.path, builds, files) ?? fix,
          related: rest.map((u) => ({ repo: u.repo, path: u.path, line: u.line, column: u.column, message: `also ${u.what}` })),
        });
      }
    } else if (looksLikeReleaseTag(t.tag) && registry !== REGISTRY) {
      // a tag on another registry is read only because a build writes it: the warning stands where
      // the cache export is written, so it is that repository's (resolved when it stops writing it)
      cacheWrites ??= collectCacheWrites(models);
      const byFile = new Map<string, Use[]>();
      for (const u of cacheWrites.get(key) ?? []) {
        const k = `${u.repo ?? ""}\u0000${u.path}`;
        byFile.set(k, [...(byFile.get(k) ?? []), u]);
      }
      for (const group of byFile.values()) {
        const [first, ...rest] = group.sort((a, b) => a.line - b.line || a.column - b.column);
        findings.push({
          ruleId: RULE_ID, severity: "warning", confidence: first.confidence, repo: first.repo,
          path: first.path, line: first.line, column: first.column, ref,
          message: `\`${ref}\` holds a BuildKit cache (${form}) written here, yet its name looks like a release tag: anyone who pulls or runs it gets an error instead of an image.`,
          fix: diffFix(key, first.repo, first.path, builds, files) ?? fix,
          related: rest.map((u) => ({ repo: u.repo, path: u.path, line: u.line, column: u.column, message: `also ${u.what}` })),
        });
      }
    } else if (looksLikeReleaseTag(t.tag)) {
      findings.push({
        ruleId: RULE_ID, severity: "warning", confidence: "high",
        path: ref, line: 0, column: 0, ref,
        message: `\`${ref}\` holds a BuildKit cache (${form}), yet its name looks like a release tag: anyone who pulls or runs it gets an error instead of an image.`,
        fix,
      });
    }
  }
  return findings;
}
