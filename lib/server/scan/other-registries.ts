/**
 * The registry phase for every registry but GHCR (Docker Hub, ECR, GAR, ACR, Quay, any OCI
 * registry). It runs after the analysis, on the tags the workflows name (liveRefsToRead: no
 * catalogue crawl): HEAD by tag for the digest (Docker Hub does not count HEAD as a pull), a GET by
 * digest only for a digest never classified (ManifestKind), a tag list only when a HEAD says 404.
 * A tag that cannot be read (401 without credentials, a network error) is reported as not read,
 * under `registry:HOST`, and its stored findings stay: it is never taken for clean.
 */
import { type LiveRef, type RegistryTagInfo, liveRefsToRead } from "@/lib/engine/rules/registry-tag-holds-cache";
import type { RepoModel } from "@/lib/engine/types";
import { type RequestStats, newStats } from "@/lib/github/client";
import { createLimiter } from "@/lib/github/limiter";
import { RegistryError, createRegistryClient } from "@/lib/registry/client";
import { type OtherRegistriesConfig, type RegistryCredential, clientAuth, credentialFor } from "@/lib/registry/credentials";
import { registryEndpoint, registryKind } from "@/lib/registry/hosts";
import { chunks } from "@/lib/server/chunk";
import type { Db } from "@/lib/server/db";
import type { ProgressReporter } from "@/lib/server/scan/lifecycle";
import { mapLimit } from "@/lib/server/scan/packages";
import { type Classified, tagClassifier } from "@/lib/server/scan/tag-kinds";
import type { RegistryEvidence, RegistryHostReport, RepoError } from "@/lib/server/scan/types";

/** requests in flight at once per host: other registries are someone else's service, read gently */
const HOST_CONCURRENCY = 8;

export interface OtherRegistriesResult {
  tags: RegistryTagInfo[];
  errors: RepoError[];
  evidence: NonNullable<RegistryEvidence["other"]>;
  hosts: RegistryHostReport[];
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** `acme/sdk` → owner `acme`, package `sdk`; a one-part name has no owner. */
export function tagInfo(r: LiveRef, digest: string, kind: string): RegistryTagInfo {
  const slash = r.repository.indexOf("/");
  const owner = slash < 0 ? "" : r.repository.slice(0, slash);
  return { registry: r.registry, owner, package: slash < 0 ? r.repository : r.repository.slice(slash + 1), tag: r.tag, kind, digest };
}

/** What to do about a refused read, in words naming the variables that fix it. */
function refusalHint(host: string, config: OtherRegistriesConfig | undefined, cred: RegistryCredential | undefined): string {
  if (cred) return `the credential for ${host} from ${cred.source} was refused or cannot read this repository`;
  const helper = config?.helpers?.[host];
  if (helper) return `docker's config leaves ${host}'s credential to the credential helper "${helper}", which cacheguard does not run: give ${host} a credential in CACHEGUARD_REGISTRIES`;
  switch (registryKind(host)) {
    case "docker-hub":
      return "a private Docker Hub repository needs DOCKERHUB_USERNAME and DOCKERHUB_TOKEN (or a docker.io entry in CACHEGUARD_REGISTRIES or CACHEGUARD_DOCKER_CONFIG)";
    case "ecr":
      return `ECR needs a credential: user AWS with \`aws ecr get-login-password\` as password in CACHEGUARD_REGISTRIES (it lasts 12 hours), or a docker config written by \`docker login ${host}\``;
    case "gar":
    case "gcr":
      return `give ${host} a credential in CACHEGUARD_REGISTRIES: user oauth2accesstoken with an access token, or _json_key with a service account key`;
    case "acr":
      return `give ${host} a credential in CACHEGUARD_REGISTRIES (a token or service principal user and password) or CACHEGUARD_DOCKER_CONFIG (\`az acr login\` writes an identity token)`;
    case "quay":
      return "give quay.io a credential in CACHEGUARD_REGISTRIES (a robot account's user and token)";
    default:
      return `give ${host} a credential in CACHEGUARD_REGISTRIES or CACHEGUARD_DOCKER_CONFIG`;
  }
}

interface HostRun {
  host: string;
  refs: LiveRef[];
  config: OtherRegistriesConfig | undefined;
  db: Db;
  stored: Map<string, { digest: string; kind: string }>;
  /** the kinds of digests classified in this phase, across hosts */
  fresh: Map<string, Classified>;
  /** the tags read, by ref */
  read: Map<string, RegistryTagInfo>;
  out: OtherRegistriesResult;
}

/** Read one host's tags; returns its report. */
async function readHost(run: HostRun): Promise<RegistryHostReport> {
  const { host, refs, config, out } = run;
  const url = registryEndpoint(host, config?.urls);
  const cred = credentialFor(config, host);
  const stats: RequestStats = newStats();
  const report: RegistryHostReport = { host, url, credential: cred?.source ?? "anonymous", tags: refs.length, read: 0, notRead: 0, requests: 0 };
  const fail = (r: LiveRef, why: string) => {
    report.notRead++;
    out.errors.push({ repo: `registry:${host}`, message: `${r.ref}: not read: ${why}` });
  };
  if (config?.onlyListed && !config.urls?.[host]) {
    for (const r of refs) fail(r, `this scan reads only the registries CACHEGUARD_REGISTRY_URLS names (${Object.keys(config.urls ?? {}).join(", ") || "none"}), and never goes out to ${host}`);
    return report;
  }
  const hint = refusalHint(host, config, cred);
  const client = createRegistryClient({
    registryUrl: url, host, stats, limiter: createLimiter(HOST_CONCURRENCY), refusedHint: hint, ...clientAuth(cred),
  });
  const kinds = tagClassifier(run.db, client);
  // one pull token per batch of repositories, not one per repository
  await client.prepare([...new Set(refs.map((r) => r.repository))]);
  const lists = new Map<string, Promise<string[]>>();
  await mapLimit(refs, HOST_CONCURRENCY, async (r) => {
    try {
      const head = await client.headManifest(r.repository, r.tag);
      if (!head) {
        // a 404 alone may be a registry hiding what it will not show: only a complete tag list
        // without the tag says it is gone
        let list = lists.get(r.repository);
        if (!list) lists.set(r.repository, (list = client.listTags(r.repository)));
        let names: string[];
        try {
          names = await list;
        } catch (e) {
          return fail(r, `the registry answered 404 for the tag, and its tag list could not be read (${errText(e)}), so it is not known to be gone`);
        }
        if (names.includes(r.tag)) return fail(r, "the registry answered 404 for a tag its tag list names");
        out.evidence.settled.add(r.ref); // gone: nothing holds a cache there
        report.read++;
        return;
      }
      const s = run.stored.get(r.ref);
      let kind: string;
      if (s && s.digest === head.digest) kind = s.kind;
      else {
        const k = await kinds.byDigest(r.repository, head.digest, r.tag);
        if (k.fresh) run.fresh.set(k.digest, k);
        kind = k.kind;
      }
      const info = tagInfo(r, head.digest, kind);
      run.read.set(r.ref, info);
      out.tags.push(info);
      out.evidence.settled.add(r.ref);
      report.read++;
    } catch (e) {
      const refused = e instanceof RegistryError && (e.status === 401 || e.status === 403);
      fail(r, refused && !errText(e).includes(hint) ? `${errText(e)}; ${hint}` : errText(e));
    }
  });
  report.requests = stats.registry;
  return report;
}

/**
 * Read the tags the analysed workflows name on registries other than GHCR, classify each digest
 * once, and store what was read (RegistryRef, ManifestKind). Requests are counted into `stats.registry`.
 */
export async function scanOtherRegistries(
  db: Db, orgId: number, scanId: number, config: OtherRegistriesConfig | undefined, models: RepoModel[], stats: RequestStats, progress?: ProgressReporter,
): Promise<OtherRegistriesResult> {
  const refs = liveRefsToRead(models);
  const out: OtherRegistriesResult = { tags: [], errors: [], evidence: { named: new Set(refs.map((r) => r.ref)), settled: new Set() }, hosts: [] };
  const storedRows = await db.registryRef.findMany({ where: { orgId } });
  if (refs.length === 0 && storedRows.length === 0) return out;
  if (refs.length > 0) await progress?.update({ phase: "registries", message: `${refs.length} tag${refs.length === 1 ? "" : "s"} on other registries` });
  const stored = new Map(storedRows.map((r) => [r.ref, r]));
  const byHost = new Map<string, LiveRef[]>();
  for (const r of refs) byHost.set(r.registry, [...(byHost.get(r.registry) ?? []), r]);
  const fresh = new Map<string, Classified>();
  const read = new Map<string, RegistryTagInfo>();
  // hosts side by side, each with its own cap
  out.hosts = await Promise.all([...byHost].map(([host, list]) => readHost({ host, refs: list, config, db, stored, fresh, read, out })));
  for (const h of out.hosts) stats.registry += h.requests;

  // store: kinds of new digests, the tags read, and forget rows of tags gone or no longer named
  const newKinds = [...fresh.values()];
  const known = new Set<string>();
  for (const ids of chunks(newKinds.map((k) => k.digest))) {
    for (const k of await db.manifestKind.findMany({ where: { digest: { in: ids } }, select: { digest: true } })) known.add(k.digest);
  }
  const forget = storedRows.filter((r) => !out.evidence.named.has(r.ref) || (out.evidence.settled.has(r.ref) && !read.has(r.ref))).map((r) => r.id);
  const ops = [
    ...(newKinds.some((k) => !known.has(k.digest))
      ? [db.manifestKind.createMany({ data: newKinds.filter((k) => !known.has(k.digest)).map((k) => ({ digest: k.digest, mediaType: k.mediaType, kind: k.kind, platforms: JSON.stringify(k.platforms), reason: k.reason })) })]
      : []),
    ...chunks(forget).map((ids) => db.registryRef.deleteMany({ where: { id: { in: ids } } })),
    ...[...read].map(([ref, t]) => {
      const data = { host: t.registry!, digest: t.digest, kind: t.kind, scanId, seenAt: new Date() };
      return db.registryRef.upsert({ where: { orgId_ref: { orgId, ref } }, create: { orgId, ref, ...data }, update: data });
    }),
  ];
  if (ops.length > 0) await db.$transaction(ops);
  out.tags = [...read.keys()].sort().map((k) => read.get(k)!);
  out.errors.sort((a, b) => a.repo.localeCompare(b.repo) || a.message.localeCompare(b.message));
  return out;
}

/**
 * For an incremental scan: the tags the workflows name as the last full scan stored them, and the
 * evidence that gives (a tag never read, or not read last time, is named but not settled).
 */
export async function storedOtherRegistries(db: Db, orgId: number, models: RepoModel[]): Promise<Pick<OtherRegistriesResult, "tags" | "evidence">> {
  const refs = liveRefsToRead(models);
  const evidence = { named: new Set(refs.map((r) => r.ref)), settled: new Set<string>() };
  if (refs.length === 0) return { tags: [], evidence };
  const rows = new Map<string, { digest: string; kind: string }>();
  for (const ids of chunks(refs.map((r) => r.ref))) {
    for (const row of await db.registryRef.findMany({ where: { orgId, ref: { in: ids } } })) rows.set(row.ref, row);
  }
  const tags: RegistryTagInfo[] = [];
  for (const r of refs) {
    const row = rows.get(r.ref);
    if (!row) continue;
    tags.push(tagInfo(r, row.digest, row.kind));
    evidence.settled.add(r.ref);
  }
  return { tags, evidence };
}
