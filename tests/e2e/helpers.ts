import { expect, type APIRequestContext, type Page } from "@playwright/test";

interface ScanList {
  scans: Array<{ id: number; status: string }>;
  active: { id: number } | null;
}

/** The server starts its first scan itself; tests wait until one has finished. */
export async function waitForFinishedScan(request: APIRequestContext, timeoutMs = 120_000): Promise<void> {
  await expect
    .poll(
      async () => {
        const res = await request.get("/api/scans");
        if (!res.ok()) return "http " + res.status();
        const body = (await res.json()) as ScanList;
        if (body.active) return "running";
        return body.scans.some((s) => s.status === "succeeded" || s.status === "partial") ? "done" : "none";
      },
      { timeout: timeoutMs, intervals: [500, 1000] },
    )
    .toBe("done");
}

/** Collects console errors and uncaught page errors for the "no console errors" checks. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`console: ${msg.text()} [${msg.location().url}] on ${page.url()}`);
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message} (${page.url()})`));
  return errors;
}

export const SEED = {
  rule: "cache-overwrites-image-tag",
  repo: "api",
  ref: "ghcr.io/acme/api:test",
  pkg: "api",
  cacheTag: "test",
};
