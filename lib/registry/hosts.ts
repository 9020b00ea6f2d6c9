/**
 * Where a registry host that image refs name is reached. Refs name Docker Hub as `docker.io` (the
 * engine's normalizer adds it to `nginx`, `acme/app`), but its registry API lives at
 * registry-1.docker.io and docker's config.json keys it `https://index.docker.io/v1/`.
 */

export const DOCKER_HUB = "docker.io";
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com", "registry.docker.io"]);

/**
 * The host as refs name it: lower-case, without scheme, path or trailing slash, Docker Hub's
 * aliases folded to `docker.io` (config.json's `https://index.docker.io/v1/` included). Null when
 * the text names no host.
 */
export function canonicalHost(text: string): string | null {
  let s = text.trim().toLowerCase();
  if (!s) return null;
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
  s = s.split("/")[0];
  if (!s || /[\s@]/.test(s)) return null;
  return DOCKER_HUB_ALIASES.has(s) ? DOCKER_HUB : s;
}

/** localhost and loopback addresses speak plain http, as docker allows them without TLS. */
function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, "");
  return name === "localhost" || name === "127.0.0.1" || name === "[::1]";
}

/**
 * The URL of a host's registry API: an override (tests and development point a host at a local
 * server), else Docker Hub's registry-1.docker.io, else https://HOST (http for loopback).
 */
export function registryEndpoint(host: string, overrides: Record<string, string> = {}): string {
  const o = overrides[host];
  if (o) return o.replace(/\/+$/, "");
  if (host === DOCKER_HUB) return "https://registry-1.docker.io";
  return `${isLoopback(host) ? "http" : "https"}://${host}`;
}

/** Well-known registries, named in messages so a user knows which credential to reach for. */
export function registryKind(host: string): "docker-hub" | "ecr" | "gar" | "gcr" | "acr" | "quay" | "other" {
  if (host === DOCKER_HUB) return "docker-hub";
  if (/\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(host) || host === "public.ecr.aws") return "ecr";
  if (/(^|\.)pkg\.dev$/.test(host)) return "gar";
  if (/(^|\.)gcr\.io$/.test(host)) return "gcr";
  if (/\.azurecr\.io$/.test(host)) return "acr";
  if (host === "quay.io") return "quay";
  return "other";
}
