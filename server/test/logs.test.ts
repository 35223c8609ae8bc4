import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LicenseServer } from '../src/index';
import { signWebhook } from '../src/webhooks';
import { bearer, newUser, post, start } from './helpers';

// Structured logs are on in production; they must never carry passwords, tokens or signatures.
describe('logs', () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  let server: LicenseServer;
  beforeAll(async () => {
    server = await start(undefined, { logger: true, logStream: stream });
  });
  afterAll(() => server?.close());

  it('record requests without any secret', async () => {
    const user = await newUser(server.url);
    await fetch(`${server.url}/v1/balance`, { headers: bearer(user.access) });
    await post(server.url, '/oauth/token', {
      grant_type: 'refresh_token',
      client_id: 'atelier-desktop',
      refresh_token: user.refresh,
    });
    const body = JSON.stringify({
      id: 'evt_log',
      type: 'checkout.completed',
      data: { accountId: user.accountId, packId: 'starter', checkoutId: 'chk_log' },
    });
    const signature = signWebhook(server.config.webhookSecret, body);
    await post(server.url, '/v1/webhooks/payment', body, { 'Atelier-Signature': signature });
    await post(server.url, '/v1/auth/login', { email: user.email, password: 'a wrong password' });
    const all = lines.join('');
    expect(all).toContain('/v1/balance'); // requests are logged…
    for (const secret of [
      user.password,
      'a wrong password',
      user.access,
      user.refresh,
      signature,
      server.config.webhookSecret,
    ]) {
      expect(all).not.toContain(secret); // …secrets are not
    }
  });
});
