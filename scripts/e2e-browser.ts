/**
 * The browser for the end-to-end tests (`npm run test:e2e` runs this first; playwright.config.ts
 * asks findBrowser which one to launch). In order: Debian's Chromium (or CHROMIUM_PATH), the
 * Chromium Playwright has already downloaded, else install Playwright's Chromium, else (Debian or
 * Ubuntu, as root) install Debian's `chromium` with apt-get, else stop with one line saying how.
 *
 *   tsx scripts/e2e-browser.ts [--dry-run]     --dry-run: say what would be done, install nothing
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

export type BrowserChoice =
  | { kind: "system"; executablePath: string }
  | { kind: "playwright"; executablePath: string };

export interface Probes {
  /** an executable file at this path */
  isExecutable(p: string): boolean;
  /** where Playwright's own Chromium is (or would be) installed */
  playwrightChromium(): string | null;
  /** runs a command with the output shown; its exit status */
  run(cmd: string, args: string[]): number;
  platform: NodeJS.Platform;
  isRoot: boolean;
  /** /etc/os-release, or "" */
  osRelease(): string;
  log(line: string): void;
}

export interface EnsureOptions {
  /** Debian's Chromium, or CHROMIUM_PATH */
  systemPath?: string;
  dryRun?: boolean;
  /** the Playwright CLI (node_modules/playwright/cli.js) */
  playwrightCli?: string;
}

export type EnsureResult = { ok: true; choice: BrowserChoice } | { ok: false; message: string };

export const HOW_TO =
  "No browser for the end-to-end tests: install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`) or run `npx playwright install --with-deps chromium`, then run `npm test` again.";

/** Without installing anything: the browser to use, or null. */
export function findBrowser(p: Pick<Probes, "isExecutable" | "playwrightChromium">, systemPath = DEBIAN_CHROMIUM): BrowserChoice | null {
  if (p.isExecutable(systemPath)) return { kind: "system", executablePath: systemPath };
  const cached = p.playwrightChromium();
  if (cached && p.isExecutable(cached)) return { kind: "playwright", executablePath: cached };
  return null;
}

export function isDebianLike(osRelease: string): boolean {
  const field = (name: string) => new RegExp(`^${name}=["']?([^"'\\n]*)`, "m").exec(osRelease)?.[1]?.toLowerCase() ?? "";
  return /\b(debian|ubuntu)\b/.test(`${field("ID")} ${field("ID_LIKE")}`);
}

export function ensureBrowser(p: Probes, opts: EnsureOptions = {}): EnsureResult {
  const systemPath = opts.systemPath ?? DEBIAN_CHROMIUM;
  const found = findBrowser(p, systemPath);
  if (found) return { ok: true, choice: found };

  const cli = opts.playwrightCli ?? "node_modules/playwright/cli.js";
  if (opts.dryRun) {
    p.log(`would run: ${process.execPath} ${cli} install chromium`);
  } else {
    p.log("no Chromium found: installing Playwright's (npx playwright install chromium)…");
    if (p.run(process.execPath, [cli, "install", "chromium"]) === 0) {
      const now = findBrowser(p, systemPath);
      if (now) return { ok: true, choice: now };
    }
  }

  if (p.platform === "linux" && p.isRoot && isDebianLike(p.osRelease())) {
    if (opts.dryRun) {
      p.log("would run: apt-get update && apt-get install -y --no-install-recommends chromium");
    } else {
      p.log("installing Debian's chromium (apt-get install chromium)…");
      const updated = p.run("apt-get", ["update"]) === 0;
      if (updated && p.run("apt-get", ["install", "-y", "--no-install-recommends", "chromium"]) === 0) {
        const now = findBrowser(p, systemPath);
        if (now) return { ok: true, choice: now };
      }
    }
  }
  return { ok: false, message: HOW_TO };
}

export function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return existsSync(file);
  } catch {
    return false;
  }
}

/** The probes of this machine. */
export async function machineProbes(): Promise<Probes> {
  let pw: string | null = null;
  try {
    const { chromium } = await import("@playwright/test");
    pw = chromium.executablePath();
  } catch {
    pw = null;
  }
  return {
    isExecutable: isExecutableFile,
    playwrightChromium: () => pw,
    run(cmd, args) {
      const r = spawnSync(cmd, args, { stdio: "inherit" });
      return r.status ?? 1;
    },
    platform: process.platform,
    isRoot: typeof process.getuid === "function" && process.getuid() === 0,
    osRelease() {
      try {
        return readFileSync("/etc/os-release", "utf8");
      } catch {
        return "";
      }
    },
    log: (line) => process.stdout.write(`[e2e] ${line}\n`),
  };
}

async function main(): Promise<void> {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const dryRun = process.argv.includes("--dry-run");
  const probes = await machineProbes();
  const r = ensureBrowser(probes, { dryRun, systemPath: process.env.CHROMIUM_PATH || DEBIAN_CHROMIUM, playwrightCli: path.join(root, "node_modules", "playwright", "cli.js") });
  if (!r.ok) {
    process.stderr.write(`${r.message}\n`);
    process.exit(1);
  }
  probes.log(`browser: ${r.choice.kind === "system" ? "system Chromium" : "Playwright's Chromium"} at ${r.choice.executablePath}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main();
}
