/**
 * A fixture repository's GitHub Actions cache (`repos/<repo>.json` → `actions_cache`): groups of
 * entries, expanded into what GitHub lists, with dates relative to the moment they are served so a
 * demo started any day shows the same ages. Both the org's usage list and the repository's cache
 * list are computed from the same entries, so they agree as GitHub's do.
 */
import { createHash } from "node:crypto";
import { z } from "zod";

const hoursAgo = z.union([z.number().nonnegative(), z.tuple([z.number().nonnegative(), z.number().nonnegative()])]);

const entryGroup = z.object({
  /** the cache key; `{n}` becomes a sha256 made of the key and the entry's number (`buildkit-blob-1-sha256:{n}`) */
  key: z.string().min(1),
  ref: z.string().min(1).default("refs/heads/main"),
  count: z.number().int().positive().max(100_000).default(1),
  /** of each entry */
  size_in_bytes: z.number().int().nonnegative(),
  /** one age for every entry, or [newest, oldest] spread evenly over the group */
  created_hours_ago: hoursAgo,
  /** default: when it was created */
  last_accessed_hours_ago: hoursAgo.optional(),
});

export const actionsCacheSchema = z.object({
  /** what GET /repos/{o}/{r}/actions/cache/storage-limit answers (absent: `{}`, no limit set for the repository) */
  storage_limit_gb: z.number().int().positive().optional(),
  caches: z.array(entryGroup).default([]),
});

export interface FixtureCacheEntry {
  id: number;
  ref: string;
  key: string;
  version: string;
  sizeInBytes: number;
  createdAgoMs: number;
  accessedAgoMs: number;
}

export interface FixtureActionsCache {
  storageLimitGb: number | null;
  entries: FixtureCacheEntry[];
  /** sum of entry sizes (active_caches_size_in_bytes) */
  bytes: number;
}

const hex = (s: string) => createHash("sha256").update(s).digest("hex");

function ageAt(age: z.infer<typeof hoursAgo>, i: number, count: number): number {
  if (typeof age === "number") return age * 3_600_000;
  const [newest, oldest] = age;
  const t = count === 1 ? 0 : i / (count - 1);
  return Math.round((newest + (oldest - newest) * t) * 3_600_000);
}

export function loadActionsCache(fullName: string, raw: z.infer<typeof actionsCacheSchema> | undefined): FixtureActionsCache {
  const entries: FixtureCacheEntry[] = [];
  let seq = 0;
  for (const g of raw?.caches ?? []) {
    for (let i = 0; i < g.count; i++) {
      const n = seq++;
      const key = g.key.replace("{n}", hex(`${fullName}/${g.key}/${i}`));
      const createdAgoMs = ageAt(g.created_hours_ago, i, g.count);
      // an entry is never used before it is written
      const accessedAgoMs = Math.min(createdAgoMs, g.last_accessed_hours_ago === undefined ? createdAgoMs : ageAt(g.last_accessed_hours_ago, i, g.count));
      entries.push({
        id: (parseInt(hex(`${fullName}/cache`).slice(0, 6), 16) % 90_000) * 1000 + n + 1,
        ref: g.ref, key, version: hex(`${key}/version`), sizeInBytes: g.size_in_bytes, createdAgoMs, accessedAgoMs,
      });
    }
  }
  return { storageLimitGb: raw?.storage_limit_gb ?? null, entries, bytes: entries.reduce((a, e) => a + e.sizeInBytes, 0) };
}
