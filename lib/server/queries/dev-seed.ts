/**
 * Fills a database with a realistic org (the demo's shape) so the dashboard can be built and
 * screenshotted without a scan. Usage: DATABASE_URL=file:./data/h-dev.db npx tsx lib/server/queries/dev-seed.ts [--bulk 10000]
 * --bulk adds N synthetic findings to check the report stays fast.
 */
import { extractRepo } from "@/lib/engine/extract";
import { buildMapOfModel } from "../build-map";
import { persistProblems } from "../scan/problems";
import { severityRank } from "./finding-options";
import { createDb, type Db } from "../db";

const API_CI = `name: ci
on:
  push:
    branches: [main]
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/setup-buildx-action@v3
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
          username: \${{ github.actor }}
          password: \${{ secrets.GITHUB_TOKEN }}
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/api:test
          cache-from: type=registry,ref=ghcr.io/acme/api:test
          cache-to: type=registry,ref=ghcr.io/acme/api:test,mode=max
`;

const API_FIX = `--- a/.github/workflows/ci.yml
+++ b/.github/workflows/ci.yml
@@ -19,5 +19,5 @@
         with:
           push: true
           tags: ghcr.io/acme/api:test
-          cache-from: type=registry,ref=ghcr.io/acme/api:test
-          cache-to: type=registry,ref=ghcr.io/acme/api:test,mode=max
+          cache-from: type=registry,ref=ghcr.io/acme/api:test-cache
+          cache-to: type=registry,ref=ghcr.io/acme/api:test-cache,mode=max
`;

const WEB_CI = `name: web
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/web:latest
          cache-to: type=gha
          cache-from: type=gha
  storybook:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          file: storybook.Dockerfile
          push: true
          tags: ghcr.io/acme/storybook:latest
          cache-to: type=gha,mode=max
  e2e:
    runs-on: ubuntu-latest
    container: ghcr.io/acme/base:buildcache
    steps:
      - run: npm test
`;

export async function seed(db: Db, opts: { bulk?: number } = {}): Promise<void> {
  await db.finding.deleteMany();
  await db.scan.deleteMany();
  await db.org.deleteMany();
  const org = await db.org.create({ data: { login: "acme" } });
  const now = Date.now();
  const hour = 3_600_000;
  const scanIds: number[] = [];
  // open findings (and open errors) as of each scan, as a scan stores them: the findings below say so
  const openCounts = [2, 4, 4, 4];
  const openErrors = [1, 2, 2, 3];
  for (let i = 0; i < 4; i++) {
    const started = new Date(now - (4 - i) * 24 * hour);
    const s = await db.scan.create({
      data: {
        orgId: org.id, trigger: i === 0 ? "startup" : i === 3 ? "manual" : "schedule", status: i === 2 ? "partial" : "succeeded",
        phase: "done", reposTotal: 4, reposDone: 4, reposSkipped: i > 0 ? 2 : 0, restRequests: 12 + i, graphqlRequests: 3,
        registryRequests: 20 - i, newCount: i === 1 ? 2 : i === 3 ? 1 : 0, resolvedCount: i === 3 ? 1 : 0, openCount: openCounts[i],
        openErrors: openErrors[i], openWarnings: i === 0 ? 0 : 1, openNotes: i === 0 ? 1 : i === 3 ? 0 : 1,
        startedAt: started, finishedAt: new Date(started.getTime() + 4200 + i * 900),
        repoErrors: i === 2 ? JSON.stringify([{ repo: "acme/legacy", message: "GraphQL: timeout reading tree" }]) : "[]",
      },
    });
    scanIds.push(s.id);
  }
  const [s1, s2, , s4] = scanIds;
  const api = await db.repo.create({ data: { orgId: org.id, name: "api", headSha: "a1b2c3d", scannedHeadSha: "a1b2c3d", lastCompleteScanId: s4, team: "core-api", teamSource: "custom property team" } });
  const web = await db.repo.create({ data: { orgId: org.id, name: "web", headSha: "e4f5a6b", scannedHeadSha: "e4f5a6b", lastCompleteScanId: s4, team: "web", teamSource: "topic team-web" } });
  await db.repo.create({ data: { orgId: org.id, name: "docs", headSha: "0f0f0f0", lastCompleteScanId: s4 } });
  await db.sourceFile.create({ data: { repoId: api.id, path: ".github/workflows/ci.yml", sha: "1111", text: API_CI } });
  await db.sourceFile.create({ data: { repoId: web.id, path: ".github/workflows/web.yml", sha: "2222", text: WEB_CI } });
  // the build maps a scan stores with each repository, from the same extraction
  for (const [id, name, path, text] of [[api.id, "api", ".github/workflows/ci.yml", API_CI], [web.id, "web", ".github/workflows/web.yml", WEB_CI]] as const) {
    const model = await extractRepo([{ path, text, repo: `acme/${name}` }], { repo: `acme/${name}` });
    await db.repo.update({ where: { id }, data: { buildMap: JSON.stringify(buildMapOfModel(model)) } });
  }

  const base = { orgId: org.id, confidence: "high", column: 11, related: "[]" };
  await db.finding.create({ data: { ...base, repoId: api.id, fingerprint: "fp-api-test", ruleId: "cache-overwrites-image-tag", severity: "error", severityRank: 0,
    path: ".github/workflows/ci.yml", line: 23, column: 33, ref: "ghcr.io/acme/api:test",
    message: "The build pushes ghcr.io/acme/api:test and exports its registry cache to the same tag: the cache manifest replaces the image.",
    fixDescription: "Export the cache to a separate ref (ghcr.io/acme/api:test-cache).", fixDiff: API_FIX,
    related: JSON.stringify([{ path: ".github/workflows/ci.yml", line: 21, column: 17, message: "image tag pushed here" }]),
    firstSeenScanId: s1, lastSeenScanId: s4 } });
  await db.finding.create({ data: { ...base, repoId: web.id, fingerprint: "fp-web-gha", ruleId: "gha-cache-scope-shared", severity: "warning", severityRank: 1,
    path: ".github/workflows/web.yml", line: 12, ref: "gha:buildkit", message: "2 builds export type=gha cache to scope buildkit: they evict each other.",
    fixDescription: "Give each build its own scope.", fixDiff: "--- a/.github/workflows/web.yml\n+++ b/.github/workflows/web.yml\n@@ -9,5 +9,5 @@\n           push: true\n           tags: ghcr.io/acme/web:latest\n-          cache-to: type=gha\n-          cache-from: type=gha\n+          cache-to: type=gha,scope=build\n+          cache-from: type=gha,scope=build\n",
    firstSeenScanId: s2, lastSeenScanId: s4 } });
  await db.finding.create({ data: { ...base, repoId: web.id, fingerprint: "fp-web-base", ruleId: "cache-ref-used-as-image", severity: "error", severityRank: 0, confidence: "medium",
    path: ".github/workflows/web.yml", line: 24, column: 16, ref: "ghcr.io/acme/base:buildcache", message: "ghcr.io/acme/base:buildcache only ever receives cache, but this job runs it as a container.",
    firstSeenScanId: s2, lastSeenScanId: s4 } });
  await db.finding.create({ data: { ...base, repoId: web.id, fingerprint: "fp-web-old", ruleId: "cache-from-never-written", severity: "note", severityRank: 2, confidence: "low",
    path: ".github/workflows/web.yml", line: 30, ref: "ghcr.io/acme/web:cache", message: "Nothing writes ghcr.io/acme/web:cache.",
    firstSeenScanId: s1, lastSeenScanId: s2, resolvedScanId: s4 } });
  await db.finding.create({ data: { ...base, repoId: api.id, fingerprint: "fp-api-live", ruleId: "registry-tag-holds-cache", severity: "error", severityRank: 0,
    path: ".github/workflows/ci.yml", line: 21, column: 17, ref: "ghcr.io/acme/api:test", message: "ghcr.io/acme/api:test holds a BuildKit cache manifest, but the workflow pushes an image to it.",
    firstSeenScanId: s4, lastSeenScanId: s4 } });

  const apiPkg = await db.package.create({ data: { orgId: org.id, name: "api", visibility: "private", repoName: "api", updatedAt: new Date(now - 3 * hour) } });
  const d = (n: number) => "sha256:" + n.toString(16).padStart(64, "0");
  await db.packageTag.createMany({ data: [
    { packageId: apiPkg.id, tag: "latest", digest: d(1), kind: "index", platforms: '["linux/amd64","linux/arm64"]', reason: "OCI index with platforms" },
    { packageId: apiPkg.id, tag: "test", digest: d(2), kind: "cache", reason: "config mediaType application/vnd.buildkit.cacheconfig.v0" },
    { packageId: apiPkg.id, tag: "v1.4.2", digest: d(3), kind: "image", platforms: '["linux/amd64"]' },
    { packageId: apiPkg.id, tag: "sha256-" + "3".padStart(64, "0") + ".sig", digest: d(4), kind: "signature" },
    { packageId: apiPkg.id, tag: "sha256-" + "5".padStart(64, "0") + ".att", digest: d(5), kind: "attestation", platforms: '["unknown/unknown"]' },
  ] });
  const basePkg = await db.package.create({ data: { orgId: org.id, name: "base", visibility: "internal", repoName: "base-images", updatedAt: new Date(now - 30 * hour) } });
  await db.packageTag.createMany({ data: [
    { packageId: basePkg.id, tag: "buildcache", digest: d(6), kind: "cache-index", reason: "index of layer blobs + cacheconfig" },
    { packageId: basePkg.id, tag: "bookworm", digest: d(7), kind: "image", platforms: '["linux/amd64"]' },
  ] });
  await db.package.create({ data: { orgId: org.id, name: "web", visibility: "public", repoName: "web" } });

  // the latest scan's grouping, as a scan stores it
  await persistProblems(db, org.id, s4);

  if (opts.bulk) {
    const rules = ["cache-overwrites-image-tag", "cache-overwrites-other-image", "gha-cache-scope-shared", "cache-from-never-written"];
    const sev = ["error", "error", "warning", "note"];
    const repoIds: number[] = [];
    for (let r = 0; r < 50; r++) repoIds.push((await db.repo.create({ data: { orgId: org.id, name: `svc-${r}` } })).id);
    const rows = Array.from({ length: opts.bulk }, (_, i) => ({
      ...base, repoId: repoIds[i % 50], fingerprint: `bulk-${i}`, ruleId: rules[i % 4], severity: sev[i % 4], severityRank: severityRank(sev[i % 4]),
      path: `.github/workflows/build-${i % 7}.yml`, line: 10 + (i % 90), ref: `ghcr.io/acme/svc-${i % 50}:t${i}`,
      message: `synthetic finding ${i}`, firstSeenScanId: scanIds[i % 4], lastSeenScanId: s4, resolvedScanId: i % 10 === 0 ? s4 : null,
    }));
    for (let i = 0; i < rows.length; i += 500) await db.finding.createMany({ data: rows.slice(i, i + 500) });
  }
}

if (process.argv[1]?.endsWith("dev-seed.ts")) {
  const bulkIdx = process.argv.indexOf("--bulk");
  const db = createDb();
  await seed(db, { bulk: bulkIdx > 0 ? Number(process.argv[bulkIdx + 1]) : 0 });
  console.log("seeded", process.env.DATABASE_URL);
  await db.$disconnect();
}
