import { describe, expect, it } from "vitest";
import { parseWwwAuthenticate } from "./www-authenticate";

describe("parseWwwAuthenticate", () => {
  it("reads GHCR's bearer challenge", () => {
    expect(parseWwwAuthenticate('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/app:pull"')).toEqual([
      { scheme: "bearer", params: { realm: "https://ghcr.io/token", service: "ghcr.io", scope: "repository:acme/app:pull" } },
    ]);
  });

  it("keeps commas inside quoted values and unescapes quotes", () => {
    const [c] = parseWwwAuthenticate('Bearer realm="https://r.example/t", scope="repository:a/b:pull,push", error="say \\"hi\\""');
    expect(c.params.scope).toBe("repository:a/b:pull,push");
    expect(c.params.error).toBe('say "hi"');
  });

  it("accepts unquoted tokens, odd spacing and case", () => {
    const [c] = parseWwwAuthenticate('bearer  Realm = "https://x/token" ,service=registry.docker.io');
    expect(c).toEqual({ scheme: "bearer", params: { realm: "https://x/token", service: "registry.docker.io" } });
  });

  it("splits several challenges", () => {
    const cs = parseWwwAuthenticate('Basic realm="Registry", Bearer realm="https://a/token",service="a"');
    expect(cs.map((c) => c.scheme)).toEqual(["basic", "bearer"]);
    expect(cs[1].params.service).toBe("a");
  });

  it("never throws on garbage", () => {
    expect(parseWwwAuthenticate("")).toEqual([]);
    expect(() => parseWwwAuthenticate('Bearer realm="unterminated')).not.toThrow();
    expect(parseWwwAuthenticate('Bearer realm="unterminated')[0].params.realm).toBe("unterminated");
  });
});
