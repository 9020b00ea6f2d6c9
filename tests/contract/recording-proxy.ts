/**
 * An HTTP proxy in front of the fake server that records every exchange as it went over the wire
 * (method, path, request body, status, headers, response body), so the answers a real scan got
 * can be held against GitHub's descriptions.
 */
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface Exchange {
  method: string;
  /** path and query, as the client sent them */
  url: string;
  requestBody: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RecordingProxy { url: string; exchanges: Exchange[]; close(): Promise<void> }

export async function recordingProxy(target: string): Promise<RecordingProxy> {
  const exchanges: Exchange[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const method = req.method ?? "GET";
    try {
      // the Host header goes through as the client sent it: the fake's links then point at the proxy
      const upstream = await new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
        const fwd = request(new URL(req.url ?? "/", target), { method, headers: req.headers }, (up) => {
          const got: Buffer[] = [];
          up.on("data", (c: Buffer) => got.push(c));
          up.on("end", () => {
            const h: Record<string, string> = {};
            for (const [k, v] of Object.entries(up.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(", ") : v;
            resolve({ status: up.statusCode ?? 0, headers: h, body: Buffer.concat(got) });
          });
          up.on("error", reject);
        });
        fwd.on("error", reject);
        fwd.end(body);
      });
      exchanges.push({ method, url: req.url ?? "/", requestBody: body.toString("utf8"), status: upstream.status, headers: upstream.headers, body: upstream.body.toString("utf8") });
      res.writeHead(upstream.status, upstream.headers);
      res.end(method === "HEAD" ? undefined : upstream.body);
    } catch (e) {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`recording proxy: ${(e as Error).message}`);
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}
