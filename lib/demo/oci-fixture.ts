/**
 * Shared pieces of the fixture writers (the demo org's packages and the synthetic org generator):
 * media types written as literals on purpose — fixtures must not borrow the classifier's
 * constants, or a wrong constant would be mirrored in the data that tests it.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
export const OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
export const DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
export const DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
export const CACHE_CONFIG = "application/vnd.buildkit.cacheconfig.v0";

export interface Descriptor { mediaType: string; digest: string; size: number; [k: string]: unknown }
export type Json = Record<string, unknown>;

export const hex = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");

/** A layer that is never downloaded: a stable fake digest and a plausible size. */
export const layer = (mediaType: string, seed: string, extra: Json = {}): Descriptor => ({
  mediaType,
  digest: `sha256:${hex(seed)}`,
  size: 1_000_000 + (parseInt(hex(seed).slice(0, 6), 16) % 30_000_000),
  ...extra,
});

/**
 * Writes one package folder of the fake server's fixture format: tags/<tag>.json, manifests/,
 * blobs/, package.json. A descriptor's digest is the sha256 of the bytes written.
 */
export class FixturePackageWriter {
  readonly dir: string;
  constructor(root: string, readonly name: string, meta?: Json, private readonly compact = false) {
    this.dir = path.join(root, name);
    mkdirSync(this.dir, { recursive: true });
    if (meta) writeFileSync(path.join(this.dir, "package.json"), `${this.json(meta)}\n`);
  }
  private json(body: Json): string {
    // compact JSON for generated orgs: thousands of packages should not cost a slow fixture load
    return this.compact ? JSON.stringify(body) : JSON.stringify(body, null, 2);
  }
  protected write(sub: string, file: string, body: Json): Descriptor {
    const bytes = Buffer.from(`${this.json(body)}\n`);
    mkdirSync(path.join(this.dir, sub), { recursive: true });
    writeFileSync(path.join(this.dir, sub, file), bytes);
    return { mediaType: String(body.mediaType ?? OCI_MANIFEST), digest: `sha256:${hex(bytes)}`, size: bytes.length };
  }
  blob(name: string, body: Json, mediaType: string): Descriptor {
    return { ...this.write("blobs", `${name}.json`, body), mediaType };
  }
  manifest(name: string, body: Json): Descriptor {
    return this.write("manifests", `${name}.json`, body);
  }
  tag(tag: string, body: Json): Descriptor {
    return this.write("tags", `${tag}.json`, body);
  }
}
