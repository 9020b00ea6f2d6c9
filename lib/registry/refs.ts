import { hasOpaqueToken, normalizeImageRef } from "@/lib/engine/refs";

export interface RegistryRef {
  /** registry host, lower-cased, e.g. "ghcr.io" ("docker.io" when the ref names none) */
  host: string;
  /** repository path inside the registry, e.g. "acme/app" */
  name: string;
  tag?: string;
  digest?: string;
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

/**
 * A concrete `host/name[:tag][@digest]` (optionally `docker://`), normalized as Docker does by the
 * engine's parser; refs with unresolved `${{ }}` parts are not something a registry can answer.
 */
export function parseRegistryRef(text: string): RegistryRef | null {
  const plain = text.trim().replace(/^(docker|oci):\/\//, "");
  if (hasOpaqueToken(plain)) return null;
  const ref = normalizeImageRef(plain);
  if (!ref || !ref.registry) return null;
  return { host: ref.registry, name: ref.repository, ...(ref.tag ? { tag: ref.tag } : {}), ...(ref.digest ? { digest: ref.digest } : {}) };
}

export function isDigest(ref: string): boolean {
  return DIGEST.test(ref);
}
