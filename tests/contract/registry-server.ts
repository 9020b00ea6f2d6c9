/**
 * A real OCI registry for the contract tests: Debian's `docker-registry` (distribution 2.8) on a
 * loopback port, with token auth whose tokens come from a small issuer started here (ES256 JWTs
 * carrying their certificate in `x5c`, the certificate in the registry's `rootcertbundle`).
 * The issuer grants anonymous callers pull on public repositories (as GHCR does) and the
 * `pusher` user push + pull everywhere. A second registry on the same storage runs without auth.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createPrivateKey, createSign, randomUUID, X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const PUSH_USER = { username: "pusher", password: "push-secret" };
export const REAL_SERVICE = "cacheguard-test-registry";

/** The registry binary, or null when the package is not installed (`DOCKER_REGISTRY_BIN`, when set, is the only candidate). */
export function findRegistryBinary(): string | null {
  const chosen = process.env.DOCKER_REGISTRY_BIN;
  if (chosen !== undefined) return existsSync(chosen) ? chosen : null;
  if (existsSync("/usr/bin/docker-registry")) return "/usr/bin/docker-registry";
  const which = spawnSync("sh", ["-c", "command -v docker-registry"], { encoding: "utf8" });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

export interface RealRegistry {
  /** token auth: anonymous pull of public repositories, PUSH_USER pushes */
  url: string;
  /** the same storage served without any auth */
  openUrl: string;
  /** the token issuer's realm */
  realm: string;
  /** tokens issued, newest last (scopes asked and granted), for assertions on the handshake */
  issued: Array<{ user: string | null; scopes: string[]; granted: string[] }>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function b64url(v: Buffer | string): string {
  return Buffer.from(v).toString("base64url");
}

/** What the issuer grants: push/pull to PUSH_USER, pull of repositories not listed private to anyone. */
function grant(user: string | null, scope: string, privateRepos: string[]): string | null {
  const m = /^repository:([^:]+):([a-z,*]+)$/.exec(scope);
  if (!m) return null;
  const asked = m[2].split(",");
  const allowed = user === PUSH_USER.username ? asked : privateRepos.includes(m[1]) ? [] : asked.filter((a) => a === "pull");
  return allowed.length ? JSON.stringify({ type: "repository", name: m[1], actions: allowed }) : null;
}

function startIssuer(keyPem: string, certPem: string, issued: RealRegistry["issued"], privateRepos: string[]): Promise<Server> {
  const key = createPrivateKey(keyPem);
  const x5c = [new X509Certificate(certPem).raw.toString("base64")];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== "/token") return void res.writeHead(404).end();
    let user: string | null = null;
    const auth = req.headers.authorization;
    if (auth?.toLowerCase().startsWith("basic ")) {
      const [u, ...p] = Buffer.from(auth.slice(6), "base64").toString("utf8").split(":");
      if (u !== PUSH_USER.username || p.join(":") !== PUSH_USER.password) {
        res.writeHead(401, { "content-type": "application/json" });
        return void res.end(JSON.stringify({ details: "invalid credentials" }));
      }
      user = u;
    }
    const scopes = url.searchParams.getAll("scope").flatMap((s) => s.split(" ")).filter(Boolean);
    const access = scopes.map((s) => grant(user, s, privateRepos)).filter((g): g is string => g !== null).map((g) => JSON.parse(g) as unknown);
    issued.push({ user, scopes, granted: access.map((a) => JSON.stringify(a)) });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: "ES256", typ: "JWT", x5c }));
    const claims = b64url(JSON.stringify({ iss: "cacheguard-test-issuer", sub: user ?? "", aud: url.searchParams.get("service") ?? "", exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access }));
    const sig = createSign("SHA256").update(`${header}.${claims}`).sign({ key, dsaEncoding: "ieee-p1363" });
    const token = `${header}.${claims}.${b64url(sig)}`;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date(now * 1000).toISOString() }));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function config(port: number, storage: string, auth: string): string {
  return [
    "version: 0.1",
    "log:",
    "  level: error",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${storage}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: 127.0.0.1:${port}`,
    auth,
    "",
  ].join("\n");
}

async function waitUntilServing(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${stderr()}`);
    try {
      const res = await fetch(`${url}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not answer on ${url} within 20 s: ${stderr()}`);
}

function spawnRegistry(bin: string, dir: string, file: string, body: string): { child: ChildProcess; stderr: () => string } {
  writeFileSync(path.join(dir, file), body);
  const child = spawn(bin, ["serve", path.join(dir, file)], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  return { child, stderr: () => err };
}

export async function startRealRegistry(bin: string, opts: { privateRepos?: string[] } = {}): Promise<RealRegistry> {
  const dir = mkdtempSync(path.join(tmpdir(), "cacheguard-real-registry-"));
  const keyFile = path.join(dir, "issuer.key");
  const certFile = path.join(dir, "issuer.crt");
  const ssl = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "1", "-subj", "/CN=cacheguard-test-issuer"], { encoding: "utf8" });
  if (ssl.status !== 0) throw new Error(`openssl could not make the token issuer's certificate: ${ssl.stderr}`);
  const issued: RealRegistry["issued"] = [];
  const issuer = await startIssuer(readFileSync(keyFile, "utf8"), readFileSync(certFile, "utf8"), issued, opts.privateRepos ?? []);
  const realm = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}/token`;
  const storage = path.join(dir, "storage");
  const [port, openPort] = [await freePort(), await freePort()];
  const tokenAuth = ["auth:", "  token:", `    realm: ${realm}`, `    service: ${REAL_SERVICE}`, "    issuer: cacheguard-test-issuer", `    rootcertbundle: ${certFile}`].join("\n");
  const secured = spawnRegistry(bin, dir, "config.yml", config(port, storage, tokenAuth));
  const open = spawnRegistry(bin, dir, "open.yml", config(openPort, storage, ""));
  const children = [secured.child, open.child];
  const close = async () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : undefined)));
    await new Promise<void>((r) => issuer.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  };
  // a test run killed mid-way must not leave registries behind
  const onExit = () => children.forEach((c) => c.exitCode === null && c.kill("SIGKILL"));
  process.once("exit", onExit);
  try {
    const url = `http://127.0.0.1:${port}`;
    const openUrl = `http://127.0.0.1:${openPort}`;
    await waitUntilServing(url, secured.child, secured.stderr);
    await waitUntilServing(openUrl, open.child, open.stderr);
    return { url, openUrl, realm, issued, close: async () => (process.off("exit", onExit), close()) };
  } catch (err) {
    await close();
    throw err;
  }
}
