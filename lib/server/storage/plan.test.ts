import { describe, expect, it } from "vitest";
import type { ManifestRefs } from "@/lib/registry/references";
import { type PlanInput, type PlanManifest, type PlanVersion, parseDuration, planPackage } from "./plan";

const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const d = (n: number) => `sha256:${n.toString(16).padStart(4, "0").padEnd(64, "a")}`;
const NOW = Date.parse("2026-12-01T00:00:00Z");
const day = (n: number) => new Date(NOW - n * 86_400_000).toISOString();

let nextId = 1;
function v(digest: string, daysAgo: number, tags: string[] = []): PlanVersion {
  return { id: nextId++, digest, tags, createdAt: day(daysAgo), updatedAt: day(daysAgo) };
}
const refs = (r: Partial<ManifestRefs>): ManifestRefs => ({ children: [], layers: [], ...r });
const m = (kind: string, r: Partial<ManifestRefs> | null = {}): PlanManifest => ({ kind, refs: r === null ? null : refs(r) });

function input(versions: PlanVersion[], manifests: Record<string, PlanManifest>, tags: PlanInput["tags"] = []): PlanInput {
  return { package: "app", versions, tags, manifests: new Map(Object.entries(manifests)) };
}
const deleted = (p: ReturnType<typeof planPackage>) => p.delete.map((x) => x.digest).sort();
const keptWhy = (p: ReturnType<typeof planPackage>) => Object.fromEntries(p.keep.map((k) => [k.digest, k.why]));

describe("planPackage", () => {
  it("keeps a tagged multi-arch index's platform and attestation manifests, and a nested index's manifests", () => {
    const versions = [v(d(1), 1, ["latest"]), v(d(2), 1), v(d(3), 1), v(d(4), 1), v(d(5), 1), v(d(6), 1), v(d(9), 40)];
    const plan = planPackage(input(versions, {
      [d(1)]: m("index", { children: [
        { digest: d(2), mediaType: OCI_MANIFEST, platform: "linux/amd64" },
        { digest: d(3), mediaType: OCI_MANIFEST, platform: "unknown/unknown", attestation: true },
        { digest: d(4), mediaType: OCI_INDEX },
      ] }),
      [d(4)]: m("index", { children: [{ digest: d(5), mediaType: OCI_MANIFEST, platform: "linux/arm64" }, { digest: d(6), mediaType: OCI_MANIFEST }] }),
    }), { now: NOW });
    expect(plan.problem).toBeNull();
    expect(deleted(plan)).toEqual([d(9)]);
    expect(keptWhy(plan)).toMatchObject({ [d(1)]: "tagged", [d(2)]: "child", [d(3)]: "child", [d(4)]: "child", [d(5)]: "child", [d(6)]: "child" });
    expect(plan.keep.find((k) => k.digest === d(3))!.reason).toBe("attestation manifest of the index tagged latest");
    expect(plan.orphans).toBe(1);
  });

  it("keeps what a cosign tag names (even untagged), the subject of a kept referrer and an untagged referrer of a kept image", () => {
    const hex = (n: number) => d(n).slice(7);
    const versions = [v(d(1), 5, ["v1"]), v(d(2), 5), v(d(3), 5, [`sha256-${hex(2)}.sig`]), v(d(4), 5), v(d(5), 5), v(d(6), 5, ["att"]), v(d(7), 5)];
    const plan = planPackage(input(versions, {
      [d(1)]: m("image"), [d(3)]: m("signature"),
      // an OCI 1.1 referrer of the tagged image, itself untagged
      [d(4)]: m("attestation", { subject: d(1) }),
      // a tagged referrer whose subject is untagged
      [d(6)]: m("signature", { subject: d(7) }),
      [d(5)]: m("cache"),
    }), { now: NOW });
    expect(deleted(plan)).toEqual([d(5)]);
    expect(keptWhy(plan)).toMatchObject({ [d(2)]: "signed", [d(4)]: "referrer", [d(7)]: "subject" });
  });

  it("makes no plan when a tagged manifest's references were never read, or a kept index lists an index not read", () => {
    const a = planPackage(input([v(d(1), 1, ["latest"]), v(d(2), 90)], { [d(1)]: m("index", null) }), { now: NOW });
    expect(a.problem).toMatch(/references of sha256:0001aaaaaaaa \(tagged latest\) have not been read/);
    expect(a.delete).toEqual([]);
    const b = planPackage(input([v(d(1), 1, ["latest"]), v(d(4), 1), v(d(9), 90)], { [d(1)]: m("index", { children: [{ digest: d(4), mediaType: OCI_INDEX }] }) }), { now: NOW });
    expect(b.problem).toMatch(/lists the index sha256:0004aaaaaaaa, whose own manifests have not been read/);
    expect(planPackage({ ...input([], {}), versions: { incomplete: "read in part" } }, { now: NOW }).problem).toBe("read in part");
  });

  it("a registry tag the versions list no longer shows still keeps its digest", () => {
    const plan = planPackage(input([v(d(1), 1), v(d(2), 1)], { [d(1)]: m("image"), [d(2)]: m("cache") }, [{ tag: "stale", digest: d(1) }]), { now: NOW });
    expect(deleted(plan)).toEqual([d(2)]);
  });

  it("--keep-last keeps the newest cache exports (not images), and a kept untagged index keeps its manifests", () => {
    const versions = [v(d(1), 1, ["buildcache"]), v(d(2), 2), v(d(3), 3), v(d(4), 4), v(d(5), 10), v(d(6), 10), v(d(7), 10)];
    const manifests = {
      [d(1)]: m("cache"), [d(2)]: m("image"), [d(3)]: m("cache"), [d(4)]: m("cache"),
      [d(5)]: m("index", { children: [{ digest: d(6), mediaType: OCI_MANIFEST }, { digest: d(7), mediaType: OCI_MANIFEST }] }), [d(6)]: m("image"), [d(7)]: m("image"),
    };
    const two = planPackage(input(versions, manifests), { now: NOW, keepLast: 2 });
    expect(keptWhy(two)).toMatchObject({ [d(3)]: "keep-last", [d(4)]: "keep-last" });
    expect(deleted(two)).toEqual([d(2), d(5), d(6), d(7)]);
    // --older-than 7d keeps the index of 4 days... none here; keeps 2..4, and the 10-day-old index with its manifests goes as one
    const recent = planPackage(input(versions, manifests), { now: NOW, olderThanMs: 7 * 86_400_000 });
    expect(deleted(recent)).toEqual([d(5), d(6), d(7)]);
    // an index kept by --older-than keeps its manifests even when they are older than the cut-off
    const idx = planPackage(input([v(d(5), 1), v(d(6), 30), v(d(7), 30)], manifests), { now: NOW, olderThanMs: 7 * 86_400_000 });
    expect(idx.delete).toEqual([]);
    expect(keptWhy(idx)).toMatchObject({ [d(5)]: "newer", [d(6)]: "needed-by-kept", [d(7)]: "needed-by-kept" });
  });

  it("an orphan whose manifest was not read is planned from a scan's data, kept when the clean-up could not read it", () => {
    const versions = [v(d(1), 1, ["latest"]), v(d(2), 50)];
    expect(deleted(planPackage(input(versions, { [d(1)]: m("image") }), { now: NOW }))).toEqual([d(2)]);
    const kept = planPackage(input(versions, { [d(1)]: m("image") }), { now: NOW, unread: "keep" });
    expect(kept.delete).toEqual([]);
    expect(keptWhy(kept)[d(2)]).toBe("unread");
  });

  it("counts the bytes freed once per layer, and not those a kept cache still uses", () => {
    const versions = [v(d(1), 1, ["buildcache"]), v(d(2), 30), v(d(3), 40)];
    const plan = planPackage(input(versions, {
      [d(1)]: m("cache", { layers: [[d(100), 500], [d(101), 700]] }),
      [d(2)]: m("cache", { layers: [[d(100), 500], [d(102), 300]] }),
      [d(3)]: m("cache-index", { layers: [[d(102), 300], [d(103), 50]] }),
    }), { now: NOW });
    expect(plan.bytesFreed).toBe(350);
    expect(plan.delete.map((x) => x.bytes).sort()).toEqual([300, 50].sort());
  });

  it("parses durations", () => {
    expect(parseDuration("30d")).toBe(30 * 86_400_000);
    expect(parseDuration("12h")).toBe(12 * 3_600_000);
    expect(parseDuration("2w")).toBe(14 * 86_400_000);
    expect(parseDuration("30")).toBeNull();
    expect(parseDuration("-1d")).toBeNull();
  });
});
