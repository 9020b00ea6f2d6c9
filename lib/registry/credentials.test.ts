import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { redact } from "@/lib/github/redact";
import { readEnv, configProblem } from "@/lib/server/env";
import { otherRegistriesFromEnv, parseDockerConfig, parseRegistriesJson } from "./credentials";
import { canonicalHost, registryEndpoint, registryKind } from "./hosts";

const dir = mkdtempSync(path.join(tmpdir(), "cg-creds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("registry hosts", () => {
  it("folds Docker Hub's names and docker config's URL keys into the host refs use", () => {
    for (const k of ["docker.io", "https://index.docker.io/v1/", "index.docker.io", "registry-1.docker.io", "Registry.Hub.Docker.com"]) expect(canonicalHost(k)).toBe("docker.io");
    expect(canonicalHost("https://quay.io")).toBe("quay.io");
    expect(canonicalHost("localhost:5000/")).toBe("localhost:5000");
    expect(canonicalHost("  ")).toBeNull();
  });

  it("reaches Docker Hub at registry-1.docker.io, loopback over http, anything else over https, an override first", () => {
    expect(registryEndpoint("docker.io")).toBe("https://registry-1.docker.io");
    expect(registryEndpoint("quay.io")).toBe("https://quay.io");
    expect(registryEndpoint("localhost:5000")).toBe("http://localhost:5000");
    expect(registryEndpoint("127.0.0.1:5000")).toBe("http://127.0.0.1:5000");
    expect(registryEndpoint("docker.io", { "docker.io": "http://127.0.0.1:4011/" })).toBe("http://127.0.0.1:4011");
    expect(registryKind("123456789012.dkr.ecr.eu-west-1.amazonaws.com")).toBe("ecr");
    expect(registryKind("europe-docker.pkg.dev")).toBe("gar");
    expect(registryKind("acme.azurecr.io")).toBe("acr");
  });
});

describe("CACHEGUARD_REGISTRIES", () => {
  it("takes user + password, a bearer token or an identity token per host", () => {
    const r = parseRegistriesJson(JSON.stringify([
      { host: "quay.io", username: "acme+robot", password: "robot-secret-123" },
      { host: "https://index.docker.io/v1/", token: "bearer-secret-456" },
      { host: "acme.azurecr.io", identityToken: "refresh-secret-789" },
    ]));
    expect(r).toEqual({ credentials: [
      { host: "quay.io", kind: "basic", username: "acme+robot", password: "robot-secret-123", source: "CACHEGUARD_REGISTRIES" },
      { host: "docker.io", kind: "bearer", token: "bearer-secret-456", source: "CACHEGUARD_REGISTRIES" },
      { host: "acme.azurecr.io", kind: "identity", identityToken: "refresh-secret-789", source: "CACHEGUARD_REGISTRIES" },
    ] });
    // registered for redaction as soon as they are read
    expect(redact("robot-secret-123 bearer-secret-456 refresh-secret-789")).toBe("*** *** ***");
    expect(redact(b64("acme+robot:robot-secret-123"))).toBe("***");
  });

  it("refuses what is not that shape, naming the place and never the value", () => {
    const bad = [
      ["not json", /not JSON/],
      [JSON.stringify({ host: "quay.io" }), /expected array/],
      [JSON.stringify([{ host: "quay.io", username: "u" }]), /\[0\]/],
      [JSON.stringify([{ host: "quay.io", password: "only-a-password-xyz" }]), /\[0\]/],
      [JSON.stringify([{ host: "quay.io", token: "tok-abcdef", extra: "leaked-value-xyz" }]), /\[0\]/],
      [JSON.stringify([{ host: "", token: "tok-abcdef" }]), /\[0\]/],
    ] as const;
    for (const [text, want] of bad) {
      const r = parseRegistriesJson(text);
      expect(r, text).toHaveProperty("problem");
      const problem = (r as { problem: string }).problem;
      expect(problem).toMatch(want);
      expect(problem).not.toMatch(/only-a-password|leaked-value|tok-abcdef/);
    }
  });

  it("stops the server at start-up with one line, in demo mode too", () => {
    const env = (e: Record<string, string>) => e as unknown as NodeJS.ProcessEnv;
    expect(() => readEnv(env({ CACHEGUARD_REGISTRIES: JSON.stringify([{ host: "quay.io", username: "u", password: "" }]) })))
      .toThrow(/^Invalid configuration: CACHEGUARD_REGISTRIES: \[0\]/);
    expect(() => readEnv(env({ CACHEGUARD_REGISTRY_URLS: "{\"docker.io\": \"ftp://x\"}" }))).toThrow(/CACHEGUARD_REGISTRY_URLS/);
    // a docker config that cannot be read is found when the server checks its configuration
    expect(configProblem(readEnv(env({ CACHEGUARD_DOCKER_CONFIG: path.join(dir, "nope.json") })))).toMatch(/^CACHEGUARD_DOCKER_CONFIG=.*nope\.json cannot be read/);
    expect(configProblem(readEnv(env({ DOCKERHUB_TOKEN: "dckr_pat_alone123" })))).toMatch(/go together/);
  });
});

describe("docker config.json", () => {
  it("reads auths: base64 user:password, user + password, identitytoken, registrytoken; helpers are named, not run", () => {
    const r = parseDockerConfig(JSON.stringify({
      auths: {
        "https://index.docker.io/v1/": { auth: b64("acme-ci:dckr_pat_fromconfig123") },
        "registry.example.com:5000": { username: "svc", password: "svc-password-123" },
        "acme.azurecr.io": { auth: b64("00000000-0000-0000-0000-000000000000:"), identitytoken: "acr-refresh-token-123" },
        "ghcr.example.com": { registrytoken: "direct-bearer-123" },
        "public.ecr.aws": {},
      },
      credsStore: "desktop",
      credHelpers: { "123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login" },
    }), "/x/config.json");
    expect("problem" in r).toBe(false);
    const ok = r as Exclude<typeof r, { problem: string }>;
    expect(ok.credentials.map((c) => [c.host, c.kind])).toEqual([
      ["docker.io", "basic"], ["registry.example.com:5000", "basic"], ["acme.azurecr.io", "identity"], ["ghcr.example.com", "bearer"],
    ]);
    expect(ok.credentials[0]).toMatchObject({ username: "acme-ci", password: "dckr_pat_fromconfig123" });
    expect(ok.helpers).toEqual({ "public.ecr.aws": "desktop", "123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login" });
    expect(redact("x dckr_pat_fromconfig123 acr-refresh-token-123 direct-bearer-123")).toBe("x *** *** ***");
  });

  it("an auth that is not base64 user:password, or a file that is not JSON, is a problem naming the variable", () => {
    expect(parseDockerConfig(JSON.stringify({ auths: { "quay.io": { auth: b64("no-colon-here") } } }), "/c.json")).toEqual({
      problem: 'CACHEGUARD_DOCKER_CONFIG=/c.json: auths["quay.io"].auth is not base64 of "user:password"',
    });
    expect(parseDockerConfig("{", "/c.json")).toMatchObject({ problem: expect.stringMatching(/not JSON/) });
    expect(otherRegistriesFromEnv({ CACHEGUARD_DOCKER_CONFIG: path.join(dir, "missing.json") })).toMatchObject({ problem: expect.stringMatching(/cannot be read \(ENOENT\)/) });
  });

  it("CACHEGUARD_REGISTRIES wins over DOCKERHUB_*, which wins over the docker config; DOCKERHUB_* go together", () => {
    const file = path.join(dir, "config.json");
    writeFileSync(file, JSON.stringify({ auths: { "docker.io": { auth: b64("from-config:pw-config-123") }, "quay.io": { auth: b64("q:pw-quay-123") } } }));
    const r = otherRegistriesFromEnv({
      CACHEGUARD_DOCKER_CONFIG: file, DOCKERHUB_USERNAME: "from-env", DOCKERHUB_TOKEN: "dckr_pat_env123",
      CACHEGUARD_REGISTRIES: JSON.stringify([{ host: "quay.io", username: "q2", password: "pw-registries-123" }]),
      CACHEGUARD_REGISTRY_URLS: JSON.stringify({ "https://index.docker.io/v1/": "http://127.0.0.1:9" }),
    });
    expect(r).toMatchObject({
      credentials: [
        { host: "quay.io", username: "q2", source: "CACHEGUARD_REGISTRIES" },
        { host: "docker.io", username: "from-env", source: "DOCKERHUB_TOKEN" },
      ],
      urls: { "docker.io": "http://127.0.0.1:9" },
    });
    expect(otherRegistriesFromEnv({ DOCKERHUB_USERNAME: "only-user" })).toMatchObject({ problem: expect.stringMatching(/DOCKERHUB_USERNAME and DOCKERHUB_TOKEN go together/) });
  });
});
