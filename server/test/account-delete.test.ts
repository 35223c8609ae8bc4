/**
 * Deleting an account on the license server: email, password hash, sessions (refresh tokens) and
 * devices are gone from the database; the token ledger stays under the pseudonymous account id.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LicenseServer } from '../src/index';
import { signWebhook } from '../src/webhooks';
import { BACKENDS, bearer, newUser, post, start } from './helpers';

describe.each(BACKENDS)('DELETE /v1/account ($name)', ({ databaseUrl }) => {
  let server: LicenseServer;
  beforeAll(async () => {
    server = await start(databaseUrl);
  });
  afterAll(async () => {
    await server?.close();
  });

  const count = async (sql: string, id: string) =>
    Number((await server.db.query<{ n: string | number }>(sql, [id]))[0]?.n ?? 0);

  it('removes email, password hash, sessions and devices; keeps the pseudonymous ledger', async () => {
    const user = await newUser(server.url);
    const device = await post(
      server.url,
      '/v1/devices',
      { name: 'Studio iMac', platform: 'darwin' },
      bearer(user.access),
    );
    expect(device.status).toBe(201);
    // A purchase: a checkout the server created for the account, reported paid by the provider.
    const checkout = await post(server.url, '/v1/checkout', { packId: 'starter' }, bearer(user.access));
    const checkoutId = String(((await checkout.json()) as { checkoutUrl: string }).checkoutUrl)
      .split('/')
      .pop();
    const body = JSON.stringify({
      id: `evt_${randomUUID()}`,
      type: 'checkout.completed',
      data: { accountId: user.accountId, packId: 'starter', checkoutId },
    });
    const credit = await post(server.url, '/v1/webhooks/payment', body, {
      'Atelier-Signature': signWebhook(server.config.webhookSecret, body),
    });
    expect(credit.ok).toBe(true);
    expect(
      await count('SELECT count(*) AS n FROM refresh_tokens WHERE account_id = $1', user.accountId),
    ).toBe(1);
    const ledgerBefore = await count(
      'SELECT count(*) AS n FROM ledger WHERE account_id = $1',
      user.accountId,
    );
    expect(ledgerBefore).toBeGreaterThan(0);

    const del = await fetch(`${server.url}/v1/account`, { method: 'DELETE', headers: bearer(user.access) });
    expect(del.status).toBe(204);

    const [row] = await server.db.query<{ email: string | null; password_hash: string | null }>(
      'SELECT email, password_hash FROM accounts WHERE id = $1',
      [user.accountId],
    );
    expect(row).toEqual({ email: null, password_hash: null });
    expect(
      await count('SELECT count(*) AS n FROM refresh_tokens WHERE account_id = $1', user.accountId),
    ).toBe(0);
    expect(await count('SELECT count(*) AS n FROM devices WHERE account_id = $1', user.accountId)).toBe(0);
    expect(await count('SELECT count(*) AS n FROM auth_codes WHERE account_id = $1', user.accountId)).toBe(0);
    expect(await count('SELECT count(*) AS n FROM ledger WHERE account_id = $1', user.accountId)).toBe(
      ledgerBefore,
    );
    // Nothing of the person is searchable any more, and the old tokens are refused.
    expect(await count('SELECT count(*) AS n FROM accounts WHERE email = $1', user.email)).toBe(0);
    expect((await fetch(`${server.url}/v1/me`, { headers: bearer(user.access) })).status).toBe(401);
    const refresh = await post(server.url, '/oauth/token', {
      grant_type: 'refresh_token',
      client_id: 'atelier-desktop',
      refresh_token: user.refresh,
    });
    expect(refresh.status).toBe(400);
  });
});
