import type { GitHubClient, GraphqlErrorItem } from "./client";
import { GitHubError, RateLimitError } from "./errors";

/**
 * Runs aliased GraphQL queries over batches of items. When GitHub refuses a batch as too
 * complex or times out, the batch is halved and retried; an item that fails alone is
 * reported through onItemError. Whole-scan conditions (bad token, missing scope, a rate
 * limit the governor gave up on) are thrown: continuing would only fail the same way.
 */
export async function runBatched<T>(
  gh: GitHubClient,
  items: T[],
  batchSize: number,
  build: (batch: T[]) => { query: string; variables: Record<string, unknown> },
  handle: (batch: T[], data: Record<string, unknown>, errorsByAlias: Map<string, GraphqlErrorItem[]>) => Promise<void>,
  onItemError: (item: T, message: string) => void,
): Promise<void> {
  const size = Math.max(1, Math.floor(batchSize));
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  await Promise.all(batches.map((b) => runOne(b)));

  async function runOne(batch: T[]): Promise<void> {
    const { query, variables } = build(batch);
    let result;
    try {
      // no blind retries of a heavy query: halving is the retry
      result = await gh.graphqlPartial<Record<string, unknown>>(query, variables, { retries: 0 });
    } catch (err) {
      const ge = err instanceof GitHubError ? err : gh.error(err);
      if (ge instanceof RateLimitError || ge.kind === "auth" || ge.kind === "scope") throw ge;
      if (batch.length > 1 && (isTooHeavy(ge) || ge.kind === "server" || ge.kind === "network" || ge.kind === "incomplete")) {
        const half = Math.ceil(batch.length / 2);
        await Promise.all([runOne(batch.slice(0, half)), runOne(batch.slice(half))]);
        return;
      }
      for (const item of batch) onItemError(item, ge.message);
      return;
    }
    const byAlias = new Map<string, GraphqlErrorItem[]>();
    const global: GraphqlErrorItem[] = [];
    for (const e of result.errors) {
      const alias = typeof e.path?.[0] === "string" ? e.path[0] : undefined;
      if (alias) byAlias.set(alias, [...(byAlias.get(alias) ?? []), e]);
      else global.push(e);
    }
    if (!result.data || (global.length > 0 && Object.keys(result.data).length === 0)) {
      const message = global.map((e) => e.message).join("; ") || "GitHub returned no data";
      if (batch.length > 1 && /complex|timeout|timed out|went wrong|MAX_NODE_LIMIT|resource limit/i.test(message)) {
        const half = Math.ceil(batch.length / 2);
        await Promise.all([runOne(batch.slice(0, half)), runOne(batch.slice(half))]);
        return;
      }
      for (const item of batch) onItemError(item, message);
      return;
    }
    await handle(batch, result.data, byAlias);
  }
}

function isTooHeavy(e: GitHubError): boolean {
  return /complex|timeout|timed out|went wrong while executing|MAX_NODE_LIMIT|resource limit|502|504/i.test(e.message);
}
