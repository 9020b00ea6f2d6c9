export interface RegistryRef {
  /** registry host as written, e.g. "ghcr.io" ("docker.io" when the ref names none) */
  host: string;
  /** repository path inside the registry, e.g. "acme/app" */
  name: string;
  tag?: string;
  digest?: string;
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

/** Parse `host/name[:tag][@digest]` with Docker's rule for telling a host from a path component. */
export function parseRegistryRef(text: string): RegistryRef | null {
  let rest = text.trim().replace(/^(docker|oci):\/\//, "");
  if (!rest || /\s/.test(rest)) return null;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return null;
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.indexOf(":", lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) return null;
  }
  const parts = rest.split("/");
  let host = "docker.io";
  if (parts.length > 1 && (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost")) {
    host = parts.shift()!.toLowerCase();
  }
  if (host === "docker.io" && parts.length === 1) parts.unshift("library");
  const name = parts.join("/");
  if (!name || !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(name)) return null;
  return { host, name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

export function isDigest(ref: string): boolean {
  return DIGEST.test(ref);
}
