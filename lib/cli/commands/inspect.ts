import type { CliIo } from "@/lib/cli/io";
import { parseFlags } from "@/lib/cli/commands/scan";
import { createRegistryClient } from "@/lib/registry/client";
import { type InspectResult, inspectRef } from "@/lib/registry/inspect";
import { clientAuth, credentialFor, otherRegistriesFromEnv } from "@/lib/registry/credentials";
import { registryEndpoint } from "@/lib/registry/hosts";
import { parseRegistryRef } from "@/lib/registry/refs";

const USAGE =
  "usage: cacheguard inspect REF [--registry-url URL] [--format text|json]\n" +
  "  REF like ghcr.io/acme/api:test or ghcr.io/acme/api@sha256:…; token from GHCR_TOKEN, else GITHUB_TOKEN\n" +
  "  or on any registry (docker.io/acme/app:latest, nginx:latest, quay.io/org/app:v1): credentials from\n" +
  "  CACHEGUARD_REGISTRIES, DOCKERHUB_USERNAME + DOCKERHUB_TOKEN, CACHEGUARD_DOCKER_CONFIG, else anonymous\n";

const WHAT: Record<string, string> = {
  image: "an image",
  index: "a multi-platform image index",
  cache: "a BuildKit cache (image-manifest form), not an image",
  "cache-index": "a BuildKit cache (index form), not an image",
  attestation: "an attestation manifest, not a runnable image",
  signature: "a signature, not a runnable image",
  artifact: "an OCI artifact, not a container image",
  unknown: "something cacheguard cannot classify",
};

function text(r: InspectResult): string {
  const lines = [
    `${r.ref} holds ${WHAT[r.kind] ?? r.kind}`,
    `  kind: ${r.kind}`,
    `  digest: ${r.digest}`,
    `  media type: ${r.mediaType}`,
  ];
  if (r.platforms.length > 0) lines.push(`  platforms: ${r.platforms.join(", ")}`);
  lines.push(`  why: ${r.reason}`);
  if (r.kind === "cache" || r.kind === "cache-index") {
    lines.push("  `docker pull`/`docker run` of this tag fails. Export the cache to a separate ref (e.g. `:buildcache`) and push the image again.");
  }
  return `${lines.join("\n")}\n`;
}

export async function run(argv: string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const parsed = parseFlags(argv, ["registry-url", "format"]);
  if (parsed === "help") {
    io.stdout(USAGE);
    return 0;
  }
  if (typeof parsed === "string") {
    io.stderr(`cacheguard inspect: ${parsed}\n${USAGE}`);
    return 2;
  }
  const { flags, positional } = parsed;
  if (positional.length !== 1) {
    io.stderr(`cacheguard inspect: expected one REF, got ${positional.length}\n${USAGE}`);
    return 2;
  }
  const format = flags.format ?? "text";
  if (format !== "text" && format !== "json") {
    io.stderr(`cacheguard inspect: --format must be text or json (got "${format}")\n`);
    return 2;
  }
  const ref = parseRegistryRef(positional[0]);
  if (!ref) {
    io.stderr(`cacheguard inspect: "${positional[0]}" is not an image reference (expected e.g. ghcr.io/acme/api:test)\n`);
    return 2;
  }
  const ghcr = ref.host === "ghcr.io";
  const others = ghcr ? null : otherRegistriesFromEnv(env);
  if (others && "problem" in others) {
    io.stderr(`cacheguard inspect: ${others.problem}\n`);
    return 2;
  }
  const registryUrl = flags["registry-url"] ?? (ghcr ? env.GHCR_URL ?? "https://ghcr.io" : registryEndpoint(ref.host, others?.urls));
  if (!/^https?:\/\/\S+$/.test(registryUrl)) {
    io.stderr(`cacheguard inspect: --registry-url must be an http(s) URL (got "${registryUrl}")\n`);
    return 2;
  }
  const cred = others ? credentialFor(others, ref.host) : undefined;
  const auth = ghcr
    // GHCR_TOKEN (a classic PAT) when set, as the scan reads the registry
    ? { token: env.GHCR_TOKEN || env.GITHUB_TOKEN || undefined }
    : clientAuth(cred);
  const client = createRegistryClient({ registryUrl, host: ref.host, ...auth, ...(ghcr ? {} : { refusedHint: "the credential was refused or cannot read this repository" }) });
  let result: InspectResult;
  try {
    result = await inspectRef(client, positional[0]);
  } catch (e) {
    io.stderr(`cacheguard inspect: cannot read ${positional[0]}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  if (format === "json") io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout(text(result));
  return 0;
}
