import { extractRepo } from "@/lib/engine/extract";
import { normalizeImageRef } from "@/lib/engine/refs";
import type { Build, CacheSpec, InputFile, RepoModel } from "@/lib/engine/types";
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

export function canonicalRef(text: string): string {
  try {
    return normalizeImageRef(text)?.canonical ?? text;
  } catch {
    return text;
  }
}

export async function repoModel(org: string, repo: string, files: Array<{ path: string; text: string }>): Promise<RepoModel> {
  const input: InputFile[] = files.map((f) => ({ path: f.path, text: f.text, repo: `${org}/${repo}` }));
  return extractRepo(input, { repo: `${org}/${repo}` });
}

function registryRef(spec: CacheSpec): string | null {
  return spec.type === "registry" && spec.ref ? canonicalRef(spec.ref.text) : null;
}

export function usesOfModel(repo: string, model: RepoModel): Array<[string, RefUse]> {
  const out: Array<[string, RefUse]> = [];
  const push = (ref: string | null, use: RefUse) => {
    if (ref) out.push([ref, use]);
  };
  model.builds.forEach((b: Build) => {
    for (const t of b.tags) push(canonicalRef(t.text), { repo, path: b.path, line: t.span.line, as: "image", job: b.job });
    for (const c of b.cacheTo) push(registryRef(c), { repo, path: b.path, line: c.span.line, as: "cache", job: b.job });
    for (const c of b.cacheFrom) push(registryRef(c), { repo, path: b.path, line: c.span.line, as: "cache-from", job: b.job });
  });
  for (const c of model.consumers) push(canonicalRef(c.ref.text), { repo, path: c.path, line: c.ref.span.line, as: "consumer", job: c.job });
  return out;
}

const memo = new Map<string, { key: string; usage: Map<string, RefUse[]> }>();

/**
 * ref -> every workflow place that writes it as an image or cache, or pulls it. Computed by running
 * the engine's extraction over the stored files, and kept until the stored files change.
 */
export async function refUsage(db: Db, org: OrgRef): Promise<Map<string, RefUse[]>> {
  const stat = await db.sourceFile.aggregate({ where: { repo: { orgId: org.id } }, _count: { _all: true }, _max: { id: true } });
  const key = `${stat._count._all}:${stat._max.id ?? 0}`;
  const cached = memo.get(org.login);
  if (cached?.key === key) return cached.usage;
  const repos = await db.repo.findMany({
    where: { orgId: org.id, files: { some: {} } },
    select: { name: true, files: { select: { path: true, text: true } } },
  });
  const usage = new Map<string, RefUse[]>();
  for (const r of repos) {
    let model: RepoModel;
    try {
      model = await repoModel(org.login, r.name, r.files);
    } catch {
      continue; // one unreadable repo must not hide the others' usage
    }
    for (const [ref, use] of usesOfModel(r.name, model)) {
      const list = usage.get(ref) ?? [];
      if (!list.some((u) => u.repo === use.repo && u.path === use.path && u.line === use.line && u.as === use.as)) list.push(use);
      usage.set(ref, list);
    }
  }
  memo.set(org.login, { key, usage });
  return usage;
}
