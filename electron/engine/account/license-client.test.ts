/**
 * The client against servers that misbehave the way the outside world does: a captive portal answering
 * HTML, a proxy returning the wrong JSON, a 502, a server that never answers, and nothing listening.
 * (The well-behaved server is the real license server, in sync.integration.test.ts.)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LicenseClient, LicenseRequestError } from './license-client';

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/v1/prices') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in to the hotel Wi-Fi</html>');
    } else if (req.url === '/v1/balance') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ balance: '12' }));
    } else if (req.url === '/v1/packs') {
      res.writeHead(502).end('Bad gateway');
    } else if (req.url === '/v1/me') {
      res
        .writeHead(403, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'device_revoked', message: 'device revoked' } }));
    } else if (req.url === '/oauth/token') {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'invalid_grant', message: 'refresh token revoked' } }));
    }
    // anything else: never answer (the timeout test)
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function failure(p: Promise<unknown>): Promise<LicenseRequestError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(LicenseRequestError);
  return e as LicenseRequestError;
}

describe('LicenseClient on a misbehaving network', () => {
  const client = () => new LicenseClient(base, { timeoutMs: 500 });

  it('an HTML page instead of JSON is "unexpected answer", retryable', async () => {
    const e = await failure(client().prices());
    expect(e).toMatchObject({ code: 'NETWORK', retryable: true });
    expect(e.message).toMatch(/Unexpected answer.*GET \/v1\/prices/);
  });

  it('JSON of the wrong shape names the field', async () => {
    const e = await failure(client().balance('tok'));
    expect(e.message).toMatch(/GET \/v1\/balance: balance/);
  });

  it('a 5xx is retryable; a revoked device and a revoked refresh token are AUTH, not retryable', async () => {
    expect(await failure(client().packs())).toMatchObject({ code: 'NETWORK', retryable: true, status: 502 });
    const revoked = await failure(client().me('tok'));
    expect(revoked).toMatchObject({ code: 'AUTH', serverCode: 'device_revoked', retryable: false });
    expect(revoked.hint).toMatch(/sign in again/);
    expect(await failure(client().refresh('old'))).toMatchObject({
      code: 'AUTH',
      serverCode: 'invalid_grant',
    });
  });

  it('a server that never answers times out with a message saying so', async () => {
    const e = await failure(client().usage('tok', 'dev', []));
    expect(e).toMatchObject({ code: 'NETWORK', retryable: true });
    expect(e.message).toMatch(/did not answer within/);
  });

  it('nothing listening is "cannot reach", retryable', async () => {
    const e = await failure(new LicenseClient('http://127.0.0.1:9').prices());
    expect(e.message).toMatch(/Cannot reach the license server/);
    expect(e.retryable).toBe(true);
  });
});
