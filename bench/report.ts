/** Console tables and the markdown the README's "Performance" section takes. */
import type { BenchData, TargetResult } from "./targets";

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export function scanRows(d: BenchData): Array<Record<string, string | number>> {
  const rows: Array<Record<string, string | number>> = (d.scans ?? []).map((r) => ({
    run: (r.error ? "FAILED " : "") + (r.name === "changed" ? `rescan, ${r.changed?.changed.length ?? 0} repos changed` : r.name === "warm" ? "warm rescan (unchanged)"
      : r.name === "stale" ? "warm rescan, Actions cache read again" : "cold scan"),
    wall: s(r.wallMs),
    "repos fetched": `${r.reposFetched}/${r.reposListed}`,
    REST: r.requests.rest,
    GraphQL: r.requests.graphql,
    registry: r.requests.registry,
    "other registries": r.otherRegistries?.requests ?? 0,
    "content req/repo": r.contentPerRepo,
    "Actions cache req": r.actionsCacheRequests,
    "all req/repo": r.totalPerRepo,
    "peak RSS": `${r.peakRssMb} MB (${r.rssBeforeMb} before; heap ${r.peakHeapMb})`,
    findings: `${r.findings.open} open, ${r.findings.new} new, ${r.findings.resolved} resolved`,
  }));
  const b = d.baseline;
  if (b) {
    rows.push({
      run: `baseline: REST contents, repo by repo${b.extrapolated ? ` (${b.reposRead} repos read, extrapolated)` : ""}`,
      wall: s(b.projectedWallMs), "repos fetched": `${b.reposListed}/${b.reposListed}`, REST: b.projectedRequests, GraphQL: 0, registry: 0, "other registries": 0,
      "content req/repo": Math.round(((b.projectedRequests) / Math.max(1, b.reposListed)) * 1000) / 1000, "Actions cache req": "", "all req/repo": "", "peak RSS": "", findings: "(workflow files only)",
    });
  }
  return rows;
}

/** What the Actions cache phases asked, per run, beside the rest of the scan. */
export function actionsCacheLine(d: BenchData): string {
  const parts = (d.scans ?? []).map((r) => {
    const p = (k: string) => r.byPurpose[k as keyof typeof r.byPurpose] ?? 0;
    const others = r.requests.total - r.actionsCacheRequests;
    return `${r.name} ${r.actionsCacheRequests} (${p("rest:actions-cache-usage")} usage pages, ${p("rest:actions-caches")} entry pages, ${p("rest:actions-cache-limit")} limit reads; the rest of the scan ${others})`;
  });
  return `Actions cache requests by run: ${parts.join("; ")}.`;
}

/** The other-registries phase (Docker Hub tags the workflows push to, read after the analysis), per scan. */
export function otherRegistriesLine(d: BenchData): string | null {
  const runs = (d.scans ?? []).filter((r) => r.otherRegistries);
  if (!runs.length) return null;
  const part = (r: (typeof runs)[number]) => {
    const o = r.otherRegistries;
    const rest = r.requests.total;
    return `${r.name} ${o.requests} requests (${o.requests - o.tokens - o.heads - o.gets - o.tagLists} challenge, ${o.tokens} token, ${o.heads} HEAD, ${o.gets} GET manifest = ${o.pulls} Docker Hub pulls, ${o.tagLists} tags/list; ` +
      `${o.read} of ${o.tags} tags read; ${rest ? Math.round((o.requests / rest) * 1000) / 10 : 0} % on top of the scan's ${rest} other requests; ${s(o.phaseMs)})`;
  };
  return `Other registries (after the analysis, the tags workflows push to on the fake Docker Hub, by name): ${runs.map(part).join("; ")}.`;
}

export function baselineRatio(d: BenchData): { requests: number; wall: number; wallRepoPhase: number } | null {
  const cold = d.scans?.find((r) => r.name === "cold");
  if (!cold || !d.baseline) return null;
  // the repo and package phases run side by side since the registry got its own limiter: their
  // shared phase bounds the repo phase from above
  const repoPhaseMs = (cold.phasesMs.repos ?? 0) + (cold.phasesMs.workflows ?? 0) + (cold.phasesMs["bake-files"] ?? 0) + (cold.phasesMs["workflows+packages"] ?? 0);
  const scanGitHub = cold.requests.rest + cold.requests.graphql;
  return {
    requests: Math.round((d.baseline.projectedRequests / Math.max(1, scanGitHub)) * 10) / 10,
    wall: Math.round((d.baseline.projectedWallMs / Math.max(1, cold.wallMs)) * 10) / 10,
    wallRepoPhase: Math.round((d.baseline.projectedWallMs / Math.max(1, repoPhaseMs)) * 10) / 10,
  };
}

export function markdown(d: BenchData, targets: TargetResult[], command: string, meta: { date: string; node: string; cpu: string }): string {
  const lines: string[] = [];
  lines.push(`Measured with \`${command}\` (${meta.date}, Node ${meta.node}, ${meta.cpu}); the fake GitHub + GHCR server adds ${d.latencyMs} ms to every request.`, "");
  const rows = scanRows(d);
  if (rows.length) {
    const cols = Object.keys(rows[0]);
    lines.push(`| ${cols.join(" | ")} |`, `|${cols.map(() => "---").join("|")}|`);
    for (const r of rows) lines.push(`| ${cols.map((c) => String(r[c] ?? "")).join(" | ")} |`);
    const cold = d.scans?.find((r) => r.name === "cold");
    if (cold) {
      const ph = cold.phasesMs;
      const reg = (k: string) => cold.byPurpose[k as keyof typeof cold.byPurpose] ?? 0;
      const side = ph["workflows+packages"];
      const regCounts = `${reg("registry:token")} token, ${reg("registry:tags-list")} tags/list, ${reg("registry:manifest-head")} HEAD, ${reg("registry:manifest-get")} GET manifest`;
      lines.push("", `Cold scan time by phase: ${side !== undefined ? `repos + workflow/bake files + registry side by side ${s(side)} (${regCounts}), ` : ""}` +
        `${side === undefined ? `list repos ${s(ph.repos ?? 0)}, workflow + bake files ${s((ph.workflows ?? 0) + (ph["bake-files"] ?? 0))}, registry ${s(ph.packages ?? 0)} (${regCounts}), ` : ""}` +
        `analysis ${s(ph.analyze ?? 0)}, Actions cache entries and limits ${s(ph["actions-cache"] ?? 0)}, storing findings ${s(ph.findings ?? 0)}.`);
      lines.push("", actionsCacheLine(d));
    }
    const other = otherRegistriesLine(d);
    if (other) lines.push("", other);
    const st = storageLine(d);
    if (st) lines.push("", st);
    const ratio = baselineRatio(d);
    for (const r of d.scans?.filter((x) => x.error) ?? []) lines.push("", `The ${r.name} scan failed: ${r.error?.split("\n").filter(Boolean).slice(-1)[0] ?? ""}`);
    if (ratio) lines.push("", `The baseline costs ${ratio.requests}x the scan's GitHub API requests and ${ratio.wall}x its wall time (${ratio.wallRepoPhase}x the scan's repo phase alone).`);
    lines.push("");
  }
  if (d.engine?.length) {
    lines.push("| engine set | files | files/s, full analysis | files/s, yaml parse only | analysis / parsing (CPU time, best of 15) |", "|---|---|---|---|---|");
    for (const e of d.engine) lines.push(`| ${e.set} | ${e.files} | ${e.filesPerSecond} | ${e.yamlFilesPerSecond} | ${e.ratioToYaml}x |`);
    lines.push("");
  }
  if (d.dashboard) {
    const db = d.dashboard;
    lines.push(`Report page data with ${db.findings.toLocaleString("en-US")} findings, ${db.open.toLocaleString("en-US")} open, on ${db.database === "postgresql" ? "PostgreSQL" : "SQLite"} (median of ${db.runs}): first page ${db.firstPageMs} ms, ` +
      `next page ${db.nextPageMs ?? "n/a"} ms, filtered page ${db.filteredPageMs} ms, repository ${db.repoPageMs ?? "n/a"} ms, rule + severity ${db.ruleSeverityPageMs ?? "n/a"} ms; ` +
      `\`GET /api/findings\` ${db.apiFirstPageMs ?? "n/a"} ms / ${db.apiFilteredPageMs ?? "n/a"} ms / ${db.apiRepoPageMs ?? "n/a"} ms.`, "");
  }
  if (d.store) {
    lines.push(`Storing findings on ${d.store.database === "postgresql" ? "PostgreSQL" : "SQLite"}:`, "", "| storing findings | findings | ms | rows written (created / updated / resolved) |", "|---|---|---|---|");
    for (const x of d.store.steps) lines.push(`| ${x.name} | ${x.findings} | ${x.ms} | ${x.rowsWritten} (${x.written.created} / ${x.written.updated} / ${x.written.resolved}) |`);
    lines.push("");
  }
  lines.push("| target | measured | |", "|---|---|---|");
  for (const t of targets) lines.push(`| ${t.target} | ${t.measured} | ${t.verdict}${t.note ? ` (${t.note})` : ""} |`);
  return `${lines.join("\n")}\n`;
}

/** The storage phase's cost per scan: versions pages (REST) and manifest reads, against the rest of the scan. */
export function storageLine(d: BenchData): string | null {
  const runs = (d.scans ?? []).filter((r) => r.storage);
  if (runs.length === 0) return null;
  const name = (r: (typeof runs)[number]) => (r.name === "changed" ? "rescan with changes" : r.name === "warm" ? "warm rescan" : "cold scan");
  const parts = runs.map((r) => `${name(r)} ${r.storage!.pages} version pages + ${r.storage!.registryRequests} manifest reads (${Math.round(r.storage!.ofRest * 100)} % of the rest of the scan; lists complete for ${r.storage!.complete} of ${r.storage!.complete + r.storage!.pending} packages after it)`);
  return `Storage phase (versions lists, 100 a page, beside the repository phase, at most 75 % of the rest of a scan): ${parts.join("; ")}.`;
}
