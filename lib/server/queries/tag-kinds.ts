/** Tag kinds that mean "this tag holds a BuildKit cache, not a runnable image". */
export const CACHE_KINDS = ["cache", "cache-index"] as const;

export function isCacheKind(kind: string): boolean {
  return (CACHE_KINDS as readonly string[]).includes(kind);
}

export function tagRef(org: string, pkg: string, tag: string): string {
  return `ghcr.io/${org.toLowerCase()}/${pkg.toLowerCase()}:${tag}`;
}
