import { createHash } from "node:crypto";
import { RegistryError, errorText } from "./http";
import { createTokenSource } from "./token";
import { parseWwwAuthenticate } from "./www-authenticate";

/**
 * A small OCI uploader (distribution spec "push"): blobs in one POST + PUT, manifests by PUT with
 * their media type. It pushes fixtures into a real registry for the contract tests; it does no
 * retries or chunking, since what it pushes is a few kilobytes.
 */
export interface OciUploader {
  /** upload a blob unless the registry has it already; returns its digest */
  pushBlob(name: string, bytes: Buffer): Promise<string>;
  /** PUT a manifest under a tag or its digest; returns the digest the registry answered */
  pushManifest(name: string, reference: string, bytes: Buffer, mediaType: string): Promise<string>;
}

export interface OciUploaderOptions {
  registryUrl: string;
  /** Basic credentials at the token endpoint (or at the registry, if it asks for Basic) */
  username?: string;
  password?: string;
  fetch?: typeof fetch;
}

export const blobDigest = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

export function createOciUploader(opts: OciUploaderOptions): OciUploader {
  const base = opts.registryUrl.replace(/\/+$/, "");
  const doFetch = opts.fetch ?? globalThis.fetch;
  const basic = opts.username !== undefined ? Buffer.from(`${opts.username}:${opts.password ?? ""}`).toString("base64") : undefined;
  const tokens = createTokenSource({ fetch: (url, init) => doFetch(url, init), basic, policy: { maxRetries: 0, retryBaseMs: 0, maxRetryAfterMs: 0 }, base });
  const authFor = new Map<string, string>();

  /** One request with the push handshake: on a 401, get a `pull,push` token (or use Basic) and send again. */
  async function send(name: string, method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<Response> {
    const once = () => {
      const auth = authFor.get(name);
      return doFetch(url, { method, headers: { ...headers, ...(auth ? { Authorization: auth } : {}) }, ...(body ? { body: new Uint8Array(body) } : {}), redirect: "manual" });
    };
    let res = await once();
    if (res.status === 401) {
      const challenges = parseWwwAuthenticate(res.headers.get("www-authenticate") ?? "");
      await res.arrayBuffer();
      const bearer = challenges.find((c) => c.scheme === "bearer" && c.params.realm);
      if (bearer) authFor.set(name, `Bearer ${await tokens.get(bearer.params.realm, bearer.params.service, `repository:${name}:pull,push`, authFor.has(name))}`);
      else if (basic && challenges.some((c) => c.scheme === "basic")) authFor.set(name, `Basic ${basic}`);
      else return res;
      res = await once();
    }
    return res;
  }

  async function expect(res: Response, statuses: number[], doing: string): Promise<void> {
    if (statuses.includes(res.status)) return;
    const text = await errorText(res).catch(() => res.statusText);
    throw new RegistryError(`The registry answered ${res.status} while ${doing}: ${text}`, res.status, /^([A-Z_]+)/.exec(text)?.[1]);
  }

  return {
    async pushBlob(name, bytes) {
      const digest = blobDigest(bytes);
      const doing = `uploading blob ${digest} to ${name}`;
      const head = await send(name, "HEAD", `${base}/v2/${name}/blobs/${digest}`, {});
      await head.arrayBuffer();
      if (head.ok) return digest;
      const start = await send(name, "POST", `${base}/v2/${name}/blobs/uploads/`, { "Content-Length": "0" });
      await expect(start, [202], doing);
      await start.arrayBuffer();
      const location = start.headers.get("location");
      if (!location) throw new RegistryError(`The registry started an upload without a Location while ${doing}`, start.status);
      const put = new URL(location, `${base}/`);
      put.searchParams.set("digest", digest);
      const done = await send(name, "PUT", put.href, { "Content-Type": "application/octet-stream", "Content-Length": String(bytes.length) }, bytes);
      await expect(done, [201], doing);
      await done.arrayBuffer();
      return digest;
    },

    async pushManifest(name, reference, bytes, mediaType) {
      const doing = `pushing manifest ${name}:${reference}`;
      const res = await send(name, "PUT", `${base}/v2/${name}/manifests/${encodeURIComponent(reference)}`, { "Content-Type": mediaType }, bytes);
      await expect(res, [201], doing);
      await res.arrayBuffer();
      const digest = res.headers.get("docker-content-digest") ?? blobDigest(bytes);
      if (digest !== blobDigest(bytes)) throw new RegistryError(`The registry stored ${name}:${reference} as ${digest}, not as the sha256 of the bytes pushed (${blobDigest(bytes)})`, res.status, "DIGEST_INVALID");
      return digest;
    },
  };
}
