/**
 * Test-only: an HTTP proxy standing between the app and the license server, playing the hostile or
 * unlucky network: it can drop an answer after the server acted on the request (the server vanished,
 * the app was killed), or hand back an answer recorded earlier (a replay). Not imported by product code.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedExchange {
  method: string;
  path: string;
  status: number;
  body: Buffer;
}

/** What to do with the server's answer: deliver it (possibly replaced), or drop the connection. */
export type ProxyDecision = { status: number; body: Buffer } | 'drop' | undefined;

export interface TestProxy {
  url: string;
  upstream: string;
  close(): Promise<void>;
}

export async function startTestProxy(options: {
  upstream: string;
  onAnswer?: (exchange: ProxiedExchange) => ProxyDecision | Promise<ProxyDecision>;
}): Promise<TestProxy> {
  const proxy: TestProxy = { url: '', upstream: options.upstream, close: async () => {} };
  const server = http.createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
      }
      const upstream = await fetch(new URL(req.url ?? '/', proxy.upstream), {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
        redirect: 'manual',
      });
      const exchange: ProxiedExchange = {
        method: req.method ?? 'GET',
        path: new URL(req.url ?? '/', 'http://x').pathname,
        status: upstream.status,
        body: Buffer.from(await upstream.arrayBuffer()),
      };
      const decision = (await options.onAnswer?.(exchange)) ?? exchange;
      if (decision === 'drop') {
        req.socket.destroy();
        return;
      }
      const out: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k))
          out[k] = v;
      });
      res.writeHead(decision.status, out).end(decision.body);
    } catch {
      req.socket.destroy(); // upstream unreachable: the client sees a broken connection
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return proxy;
}
