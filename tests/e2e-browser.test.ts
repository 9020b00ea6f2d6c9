import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HOW_TO, type Probes, ensureBrowser, isDebianLike } from "../scripts/e2e-browser";

/**
 * How `npm test` finds a browser for the end-to-end step on a machine it has never seen: the
 * decision with injected probes (nothing is installed or removed here), and the real script
 * pointed at paths that do not exist.
 */
const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n';
const UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n';
const FEDORA = 'NAME="Fedora Linux"\nID=fedora\n';
const PW = "/root/.cache/ms-playwright/chromium-1248/chrome-linux64/chrome";

function machine(o: { files?: string[]; root?: boolean; os?: string; installs?: Record<string, { code: number; adds?: string }> }) {
  const files = new Set(o.files ?? []);
  const ran: string[] = [];
  const probes: Probes = {
    isExecutable: (p) => files.has(p),
    playwrightChromium: () => PW,
    run(cmd, args) {
      const line = [path.basename(cmd), ...args].join(" ");
      ran.push(line);
      const key = Object.keys(o.installs ?? {}).find((k) => line.includes(k));
      const r = key ? o.installs![key] : { code: 1 };
      if (r.code === 0 && r.adds) files.add(r.adds);
      return r.code;
    },
    platform: "linux",
    isRoot: o.root ?? false,
    osRelease: () => o.os ?? DEBIAN,
    log: () => {},
  };
  return { probes, ran };
}

describe("finding a browser for the e2e tests", () => {
  it("uses Debian's Chromium when it is there, installing nothing", () => {
    const m = machine({ files: ["/usr/bin/chromium", PW] });
    expect(ensureBrowser(m.probes)).toEqual({ ok: true, choice: { kind: "system", executablePath: "/usr/bin/chromium" } });
    expect(m.ran).toEqual([]);
  });

  it("else Playwright's cached Chromium", () => {
    const m = machine({ files: [PW] });
    expect(ensureBrowser(m.probes)).toEqual({ ok: true, choice: { kind: "playwright", executablePath: PW } });
    expect(m.ran).toEqual([]);
  });

  it("else installs Playwright's Chromium", () => {
    const m = machine({ installs: { "install chromium": { code: 0, adds: PW } } });
    expect(ensureBrowser(m.probes, { playwrightCli: "cli.js" })).toEqual({ ok: true, choice: { kind: "playwright", executablePath: PW } });
    expect(m.ran).toEqual(["node cli.js install chromium"]);
  });

  it("else, as root on Debian or Ubuntu, installs Debian's chromium with apt-get", () => {
    for (const os of [DEBIAN, UBUNTU]) {
      const m = machine({ root: true, os, installs: { "apt-get update": { code: 0 }, "apt-get install": { code: 0, adds: "/usr/bin/chromium" } } });
      expect(ensureBrowser(m.probes, { playwrightCli: "cli.js" })).toEqual({ ok: true, choice: { kind: "system", executablePath: "/usr/bin/chromium" } });
      expect(m.ran).toEqual(["node cli.js install chromium", "apt-get update", "apt-get install -y --no-install-recommends chromium"]);
    }
  });

  it("else stops with one line saying how: not root, not Debian, or apt-get failed", () => {
    const notRoot = machine({ root: false });
    expect(ensureBrowser(notRoot.probes, { playwrightCli: "cli.js" })).toEqual({ ok: false, message: HOW_TO });
    expect(notRoot.ran).toEqual(["node cli.js install chromium"]);
    const fedora = machine({ root: true, os: FEDORA });
    expect(ensureBrowser(fedora.probes)).toEqual({ ok: false, message: HOW_TO });
    expect(fedora.ran.some((l) => l.startsWith("apt-get"))).toBe(false);
    const offline = machine({ root: true, installs: { "apt-get update": { code: 100 } } });
    expect(ensureBrowser(offline.probes)).toEqual({ ok: false, message: HOW_TO });
    expect(HOW_TO.split("\n")).toHaveLength(1);
  });

  it("reads os-release as Debian-like only for Debian and its derivatives", () => {
    expect(isDebianLike(DEBIAN)).toBe(true);
    expect(isDebianLike(UBUNTU)).toBe(true);
    expect(isDebianLike('ID=linuxmint\nID_LIKE="ubuntu debian"\n')).toBe(true);
    expect(isDebianLike(FEDORA)).toBe(false);
    expect(isDebianLike("")).toBe(false);
  });
});

describe("the real script, pointed at missing paths", () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ["--import", "tsx", "scripts/e2e-browser.ts", "--dry-run"], { cwd: path.resolve(import.meta.dirname, ".."), env: { ...process.env, ...env }, encoding: "utf8" });

  it("with no Debian Chromium and an empty Playwright cache it plans the installs, then says how", () => {
    const empty = mkdtempSync(path.join(tmpdir(), "cg-browsers-"));
    try {
      const r = run({ CHROMIUM_PATH: "/nonexistent/chromium", PLAYWRIGHT_BROWSERS_PATH: empty });
      expect(r.status).toBe(1);
      expect(r.stdout).toContain("would run:");
      expect(r.stdout).toMatch(/playwright[/\\]cli\.js install chromium/);
      expect(r.stderr).toBe(`${HOW_TO}\n`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 30_000);

  it("finds Playwright's cached Chromium where PLAYWRIGHT_BROWSERS_PATH says", () => {
    const cache = mkdtempSync(path.join(tmpdir(), "cg-browsers-"));
    try {
      // where Playwright looks for its Chromium: ask the empty cache first
      const probe = spawnSync(process.execPath, ["-e", "console.log(require('@playwright/test').chromium.executablePath())"], { env: { ...process.env, PLAYWRIGHT_BROWSERS_PATH: cache }, encoding: "utf8" });
      const exe = probe.stdout.trim();
      expect(exe.startsWith(cache)).toBe(true);
      mkdirSync(path.dirname(exe), { recursive: true });
      writeFileSync(exe, "#!/bin/sh\n");
      chmodSync(exe, 0o755);
      const r = run({ CHROMIUM_PATH: "/nonexistent/chromium", PLAYWRIGHT_BROWSERS_PATH: cache });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`[e2e] browser: Playwright's Chromium at ${exe}\n`);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }, 30_000);
});
