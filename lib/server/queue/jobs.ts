/**
 * The queue's jobs and what they carry, validated with zod on both sides: pg-boss payloads name a scan
 * and a batch only (never a token: workers take credentials from their own environment), and a batch's
 * input and result live in its ScanJob row.
 */
import { createHash } from "node:crypto";
import { z } from "zod";

export const QUEUES = {
  plan: "scan.plan",
  repos: "scan.repos",
  packages: "scan.packages",
  /** the versions lists (the storage phase), one job per scan, beside the batches */
  storage: "scan.storage",
  analyze: "scan.analyze",
  /** where a job goes once its retries are spent: the scan is ended as failed, its org's slot freed */
  failed: "scan.failed",
} as const;

/** `started`: the Scan row's startedAt (ms), so job ids never repeat across databases that reuse scan ids */
export const scanPayload = z.object({ scanId: z.number().int().positive(), started: z.number().int(), org: z.string().min(1), trigger: z.string().min(1) }).strict();
export const batchPayload = scanPayload.extend({ kind: z.enum(["repos", "packages", "storage"]), batch: z.number().int().min(1),
  /** the storage batch goes on in rounds (lib/server/queue/storage.ts) */
  round: z.number().int().min(0).optional() }).strict();
/** what lands on scan.failed: any of the others */
export const failedPayload = scanPayload.passthrough();
export type ScanPayload = z.infer<typeof scanPayload>;
export type BatchPayload = z.infer<typeof batchPayload>;

export const repoInfoSchema = z.object({
  name: z.string(), nameWithOwner: z.string(), defaultBranch: z.string(), headOid: z.string().nullable(), archived: z.boolean(),
  fork: z.boolean(), isPrivate: z.boolean(), isEmpty: z.boolean(), pushedAt: z.string().nullable(), topics: z.array(z.string()),
});
export const packageInfoSchema = z.object({
  name: z.string(), updatedAt: z.string(), visibility: z.string(), repository: z.string().nullable(), versionCount: z.number().optional(),
});
const repoError = z.object({ repo: z.string(), message: z.string() });

export const reposInput = z.object({ repos: z.array(repoInfoSchema) });
export const packagesInput = z.object({ packages: z.array(packageInfoSchema) });
export const reposResult = z.object({ errors: z.array(repoError), warnings: z.array(repoError) });
/** a package's tag list (null: not read completely) and the tags read, as RegistryEvidence holds them */
export const packagesResult = z.object({
  errors: z.array(repoError),
  evidence: z.array(z.object({ name: z.string(), listed: z.array(z.string()).nullable(), current: z.array(z.string()) })),
});

/** the storage batch's result: VersionsPhaseResult */
export const storageResult = z.object({
  pages: z.number(), registryRequests: z.number(), packagesRead: z.number(), complete: z.number(), pending: z.number(), errors: z.array(repoError),
});

/** What the plan settled, kept for the analysis (batch 0 of kind `plan`). */
export const planResult = z.object({
  listed: z.number().int(), fetched: z.number().int(), skipped: z.number().int(),
  /** how GitHub spells the org in `owner/name` (fingerprints hold it) */
  owner: z.string(),
  /** the listing's topics, and the team property values, for the owner teams stored after the batches */
  topics: z.array(z.tuple([z.string(), z.array(z.string())])),
  teamProperty: z.string(),
  properties: z.object({
    values: z.array(z.tuple([z.string(), z.array(z.tuple([z.string(), z.union([z.string(), z.array(z.string()), z.null()])]))])).nullable(),
    note: z.string().nullable(), keepStored: z.boolean(),
  }),
  /** the package side: the complete list (null: not read, `packagesError` says why), the unchanged ones */
  packages: z.array(packageInfoSchema).nullable(),
  packagesError: z.string().nullable(),
  unchangedPackages: z.array(z.object({ id: z.number().int(), name: z.string() })),
});
export type PlanResult = z.infer<typeof planResult>;

/**
 * A job id derived from what the job is: sending it twice inserts it once (pg-boss ignores an id it
 * holds), which is what makes "the last batch enqueues the analysis" exactly once even when two
 * batches finish together or a batch is retried after it enqueued it.
 */
export function jobId(...parts: Array<string | number>): string {
  const h = createHash("sha256").update(parts.join("\0")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
