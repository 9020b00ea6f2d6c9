import { type BuildMap, parseBuildMap } from "../build-map";
import type { Db } from "../db";
import type { OrgRef } from "./org";

/** Where a ref appears in the org's workflows, and in which role. */
export interface RefUse {
  repo: string;
  path: string;
  line: number;
  as: "image" | "cache" | "cache-from" | "consumer";
  job?: string;
}

export function usesOfMap(repo: string, map: BuildMap): Array<[string, RefUse]> {
  const out: Array<[string, RefUse]> = [];
  const push = (ref: string | null, use: RefUse) => {
    if (ref) out.push([ref, use]);
  };
  for (const b of map.builds) {
    for (const t of b.tags) push(t.ref, { repo, path: b.path, line: t.line, as: "image", job: b.job });
    for (const c of b.cacheTo) push(c.type === "registry" ? c.ref : null, { repo, path: b.path, line: c.line, as: "cache", job: b.job });
    for (const c of b.cacheFrom) push(c.type === "registry" ? c.ref : null, { repo, path: b.path, line: c.line, as: "cache-from", job: b.job });
  }
  for (const c of map.consumers) push(c.ref, { repo, path: c.path, line: c.line, as: "consumer", ...(c.job ? { job: c.job } : {}) });
  return out;
}

/**
 * ref -> every workflow place that writes it as an image or cache, or pulls it: read from the build
 * maps the last scan stored with each repository (no analysis on a page view).
 */
export async function refUsage(db: Db, org: OrgRef): Promise<Map<string, RefUse[]>> {
  const repos = await db.repo.findMany({ where: { orgId: org.id, buildMap: { not: null } }, select: { name: true, buildMap: true } });
  const usage = new Map<string, RefUse[]>();
  for (const r of repos) {
    const map = parseBuildMap(r.buildMap);
    if (!map) continue;
    for (const [ref, use] of usesOfMap(r.name, map)) {
      const list = usage.get(ref) ?? [];
      if (!list.some((u) => u.repo === use.repo && u.path === use.path && u.line === use.line && u.as === use.as)) list.push(use);
      usage.set(ref, list);
    }
  }
  return usage;
}
