import { identityText } from "./finding-key";
import type { Finding } from "./types";

type Identity = Pick<Finding, "ruleId" | "repo" | "path" | "ref" | "key">;

/**
 * A finding's identity across scans: rule + repo + file + normalized ref + location key (finding-key.ts).
 * Lines are left out so a finding survives edits above it; the key keeps distinct places distinct.
 * Related places are left out so adding a `docker run` elsewhere does not turn an old finding new.
 */
export function fingerprint(f: Identity): string {
  return `${f.ruleId}:${hash53(identityText(f)).toString(16).padStart(14, "0")}`;
}

/**
 * The fingerprint SARIF carries (`partialFingerprints`): the same without the repository, which code
 * scanning already scopes results to. `cacheguard check` of a checkout and the dashboard's export of
 * the same repository give the same value, whatever name the checkout's folder has.
 */
export function sarifFingerprint(f: Omit<Identity, "repo">): string {
  return fingerprint({ ruleId: f.ruleId, path: f.path, ref: f.ref, key: f.key });
}

/**
 * The 0.1 fingerprint (rule + repo + file + ref). A stored finding still keyed this way is matched to
 * the first current finding with the same legacy value and re-keyed, keeping its first-seen scan.
 */
export function legacyFingerprint(f: Identity): string {
  const key = [f.ruleId, f.repo ?? "", f.path, f.ref].join("\u0000");
  return `${f.ruleId}:${hash53(key).toString(16).padStart(14, "0")}`;
}

/** cyrb53: a fast, well-spread 53-bit string hash (the engine stays free of node:crypto). */
function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
