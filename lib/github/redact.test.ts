import { describe, expect, it } from "vitest";
import { redact, registerSecret } from "./redact";

describe("redact", () => {
  it("masks registered secrets, token shapes, auth headers and URL credentials", () => {
    registerSecret("s3cr3t-value-xyz");
    expect(redact("failed with s3cr3t-value-xyz inside")).toBe("failed with *** inside");
    expect(redact("token ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")).not.toContain("ghp_ABCDEF");
    expect(redact("github_pat_11ABCDEFG0123456789_abcdefghijkl")).toBe("***");
    expect(redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig")).toBe("Authorization: Bearer ***");
    expect(redact("https://user:hunter2hunter2@ghcr.io/v2/")).toBe("https://***@ghcr.io/v2/");
    expect(redact("no secrets here", ["extra-secret-1"])).toBe("no secrets here");
    expect(redact("the token endpoint answered without a token")).toBe("the token endpoint answered without a token");
    expect(redact("Authorization: token 0123456789abcdef0123")).toBe("Authorization: token ***");
    expect(redact("has extra-secret-1", ["extra-secret-1"])).toBe("has ***");
  });
});
