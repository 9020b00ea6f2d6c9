import { describe, expect, it } from "vitest";
import { readEnv } from "@/lib/server/env";
import { scanConfigFromEnv } from "@/lib/server/scan";

describe("scanConfigFromEnv", () => {
  it("demo mode scans the demo org on the fake server with the demo token", () => {
    const env = readEnv({ CACHEGUARD_DEMO_URL: "http://127.0.0.1:4010" } as unknown as NodeJS.ProcessEnv);
    expect(scanConfigFromEnv(env)).toMatchObject({
      org: "acme", apiUrl: "http://127.0.0.1:4010", registryUrl: "http://127.0.0.1:4010", token: "demo-token",
      // the demo never goes out to a real registry: only the hosts CACHEGUARD_REGISTRY_URLS maps
      registries: { credentials: [], onlyListed: true },
    });
  });

  it("demo mode without the fake server's URL says what is missing", () => {
    expect(() => scanConfigFromEnv(readEnv({} as unknown as NodeJS.ProcessEnv))).toThrow(/CACHEGUARD_DEMO_URL/);
  });

  it("a configured org uses GitHub, GHCR and the token, with archived/forks opt-in", () => {
    const env = readEnv({
      CACHEGUARD_ORG: "initech", GITHUB_TOKEN: "ghp_x", GITHUB_API_URL: "https://ghe.example.com/api/v3",
      CACHEGUARD_INCLUDE_FORKS: "1", CACHEGUARD_DEMO_URL: "http://127.0.0.1:4010",
    } as unknown as NodeJS.ProcessEnv);
    expect(scanConfigFromEnv(env)).toEqual({
      org: "initech", apiUrl: "https://ghe.example.com/api/v3", registryUrl: "https://ghcr.io", token: "ghp_x",
      app: undefined, includeArchived: false, includeForks: true, teamProperty: "team", registries: { credentials: [] },
      // CACHEGUARD_RETENTION_DAYS' default: resolved findings kept 90 days
      retentionDays: 90,
    });
  });

  it("other registries: credentials from the environment, Docker Hub's from DOCKERHUB_*, hosts mapped by CACHEGUARD_REGISTRY_URLS", () => {
    const env = readEnv({
      CACHEGUARD_ORG: "initech", GITHUB_TOKEN: "ghp_x", DOCKERHUB_USERNAME: "initech-ci", DOCKERHUB_TOKEN: "dckr_pat_cfgtest123",
      CACHEGUARD_REGISTRIES: JSON.stringify([{ host: "quay.io", username: "initech+robot", password: "quay-robot-secret" }]),
      CACHEGUARD_REGISTRY_URLS: JSON.stringify({ "quay.io": "http://127.0.0.1:5999" }),
    } as unknown as NodeJS.ProcessEnv);
    expect(scanConfigFromEnv(env).registries).toEqual({
      credentials: [
        { host: "quay.io", kind: "basic", username: "initech+robot", password: "quay-robot-secret", source: "CACHEGUARD_REGISTRIES" },
        { host: "docker.io", kind: "basic", username: "initech-ci", password: "dckr_pat_cfgtest123", source: "DOCKERHUB_TOKEN" },
      ],
      // a test/dev hook: with it, no host it does not name is reached
      urls: { "quay.io": "http://127.0.0.1:5999" }, onlyListed: true,
    });
  });

  it("the custom property naming the owner team is `team` unless CACHEGUARD_TEAM_PROPERTY names another", () => {
    const env = readEnv({ CACHEGUARD_ORG: "initech", GITHUB_TOKEN: "ghp_x", CACHEGUARD_TEAM_PROPERTY: "owner-team" } as unknown as NodeJS.ProcessEnv);
    expect(scanConfigFromEnv(env).teamProperty).toBe("owner-team");
    expect(() => readEnv({ CACHEGUARD_TEAM_PROPERTY: " " } as unknown as NodeJS.ProcessEnv)).toThrow(/CACHEGUARD_TEAM_PROPERTY/);
  });});
