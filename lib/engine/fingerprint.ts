import type { Finding } from "./types";

/**
 * A finding's identity across scans: rule + repo + file + normalized ref(s). Lines are left out so a
 * finding survives edits above it, and related places are left out so adding a `docker run` elsewhere
 * does not turn an old finding into a new one.
 */
export function fingerprint(f: Finding): string {
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
