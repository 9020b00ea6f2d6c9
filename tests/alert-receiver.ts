import { type IncomingHttpHeaders, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** the raw body, exactly as sent (what a signature is checked against) */
  body: string;
  at: number;
}

export type Answer = { status: number; body?: string; headers?: Record<string, string> } | "hang";

export interface Receiver {
  url: string;
  requests: Received[];
  close(): Promise<void>;
}

/** A local HTTP receiver on port 0; `answer(n)` decides the n-th answer (0-based). */
export async function receiver(answer: (n: number, req: Received) => Answer = () => ({ status: 200, body: "ok" })): Promise<Receiver> {
  const requests: Received[] = [];
  const hanging = new Set<import("node:http").ServerResponse>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const got: Received = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() };
    const a = answer(requests.length, got);
    requests.push(got);
    if (a === "hang") {
      hanging.add(res);
      return;
    }
    res.writeHead(a.status, { "content-type": "text/plain", ...a.headers });
    res.end(a.body ?? "");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
