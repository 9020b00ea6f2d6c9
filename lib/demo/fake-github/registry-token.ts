import { createHmac, randomBytes } from "node:crypto";

/** Registry bearer tokens: signed claims (who, which repositories), so a forged or stale token is refused. */
const secret = randomBytes(32);
const TTL_MS = 5 * 60_000;

export interface RegistryClaims { sub: string | null; repos: string[]; exp: number }

export function registryToken(claims: { sub: string | null; repos: string[] }): string {
  const body = Buffer.from(JSON.stringify({ ...claims, exp: Date.now() + TTL_MS })).toString("base64url");
  const sig = createHmac("sha256", secret).update(body).digest("base64url");
  return `ghcr_${body}.${sig}`;
}

export function readRegistryToken(token: string): RegistryClaims | null {
  const m = /^ghcr_([\w-]+)\.([\w-]+)$/.exec(token.trim());
  if (!m) return null;
  if (createHmac("sha256", secret).update(m[1]).digest("base64url") !== m[2]) return null;
  try {
    const claims = JSON.parse(Buffer.from(m[1], "base64url").toString("utf8")) as RegistryClaims;
    return claims.exp > Date.now() ? claims : null;
  } catch {
    return null;
  }
}
