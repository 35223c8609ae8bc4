import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LicenseServer } from '../src/index';
import { loadConfig } from '../src/config';
import { ledgerSum } from '../src/ledger';
import { signWebhook } from '../src/webhooks';
import { BACKENDS, bearer, json, newUser, post, start, verifyStatement } from './helpers';

describe.each(BACKENDS)('token ledger, devices and purchases ($name)', ({ databaseUrl }) => {
  let server: LicenseServer;
  beforeAll(async () => {
    server = await start(databaseUrl, { config: { welcomeCredit: 0 } });
  });
  afterAll(() => server?.close());

  /** A checkout the server creates for the signed-in user (as POST /v1/checkout does for the app). */
  async function checkout(access: string, packId = 'starter'): Promise<string> {
    const res = await post(server.url, '/v1/checkout', { packId }, bearer(access));
    expect(res.status).toBe(200);
    return String((await json(res)).checkoutUrl)
      .split('/')
      .pop()!;
  }
  /** The payment provider's signed event. */
  function webhook(data: Record<string, string>, eventId = `evt_${randomUUID()}`) {
    const body = JSON.stringify({ id: eventId, type: 'checkout.completed', data });
    return post(server.url, '/v1/webhooks/payment', body, {
      'Atelier-Signature': signWebhook(server.config.webhookSecret, body),
    });
  }
  async function creditPack(user: { access: string }, packId = 'starter') {
    const res = await webhook({ checkoutId: await checkout(user.access, packId) });
    expect(res.status).toBe(200);
    return res;
  }
  async function device(access: string, name = 'laptop'): Promise<string> {
    const res = await post(server.url, '/v1/devices', { name, platform: 'win32' }, bearer(access));
    expect(res.status).toBe(201);
    return ((await json(res)) as { deviceId: string }).deviceId;
  }
  const debit = (tokens = 1) => ({
    id: randomUUID(),
    operation: 'cutout',
    tokens,
    createdAt: new Date().toISOString(),
  });
  const usage = (access: string, deviceId: string, debits: unknown[]) =>
    post(server.url, '/v1/usage', { deviceId, debits }, bearer(access));

  it('signs every balance with the published Ed25519 key', async () => {
    const user = await newUser(server.url);
    await creditPack(user);
    const keys = (await json(await fetch(`${server.url}/.well-known/atelier-keys.json`))) as {
      keys: { keyId: string; publicKey: string }[];
    };
    const balance = (await json(
      await fetch(`${server.url}/v1/balance`, { headers: bearer(user.access) }),
    )) as {
      balance: number;
      statement: { payload: string; signature: string; keyId: string };
    };
    const key = keys.keys.find((k) => k.keyId === balance.statement.keyId);
    const payload = verifyStatement(balance.statement, key?.publicKey ?? '');
    expect(payload).toMatchObject({ accountId: user.accountId, balance: 100 });
    expect(new Date(String(payload?.validUntil)).getTime()).toBeGreaterThan(Date.now());
    const tampered = {
      ...balance.statement,
      payload: Buffer.from(JSON.stringify({ ...payload, balance: 1e6 })).toString('base64url'),
    };
    expect(verifyStatement(tampered, key?.publicKey ?? '')).toBeUndefined();
  });

  it('applies each debit exactly once, whatever the retries, and never goes below zero', async () => {
    const user = await newUser(server.url);
    await creditPack(user); // 100 tokens
    const devices = [
      await device(user.access, 'a'),
      await device(user.access, 'b'),
      await device(user.access, 'c'),
    ];
    // 60 batches of 2 debits (120 tokens asked for 100 available), each sent twice at the same time.
    const batches = Array.from({ length: 60 }, () => [debit(), debit()]);
    const sends = batches.flatMap((b, i) => [
      usage(user.access, devices[i % 3]!, b),
      usage(user.access, devices[(i + 1) % 3]!, b),
    ]);
    const answers = await Promise.all(sends);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const results = (await Promise.all(answers.map((a) => json(a)))).flatMap(
      (a) => a.results as { id: string; status: string; reason?: string }[],
    );
    const applied = new Set(results.filter((r) => r.status === 'applied').map((r) => r.id));
    const appliedCount = results.filter((r) => r.status === 'applied').length;
    expect(appliedCount).toBe(applied.size); // no id applied twice
    expect(applied.size).toBe(100); // none lost: exactly the balance was spent
    expect(
      results.filter((r) => r.status === 'rejected').every((r) => r.reason === 'insufficient_balance'),
    ).toBe(true);
    const balance = (await json(
      await fetch(`${server.url}/v1/balance`, { headers: bearer(user.access) }),
    )) as { balance: number };
    expect(balance.balance).toBe(0);
    expect(await ledgerSum(server.db, user.accountId)).toBe(0);
    const [row] = await server.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM ledger WHERE account_id = $1 AND kind = 'debit'`,
      [user.accountId],
    );
    expect(Number(row?.n)).toBe(100);
  });

  it('refuses a debit through another account’s device, negative or absurd amounts, writing nothing', async () => {
    const alice = await newUser(server.url);
    const bob = await newUser(server.url);
    await creditPack(bob);
    const bobsDevice = await device(bob.access);
    const stolen = await usage(alice.access, bobsDevice, [debit()]);
    expect(stolen.status).toBe(403);
    for (const bad of [
      debit(-5),
      debit(0),
      debit(1e9),
      { ...debit(), id: 'not-a-uuid' },
      { ...debit(), operation: 'mint' },
      { ...debit(), extra: 1 },
    ]) {
      const res = await usage(bob.access, bobsDevice, [bad]);
      expect(res.status).toBe(400);
      expect((await json(res)).error).toHaveProperty('message');
    }
    expect((await usage(bob.access, bobsDevice, [])).status).toBe(400);
    expect(await ledgerSum(server.db, bob.accountId)).toBe(100);
    // Alice cannot see or revoke Bob's device.
    const del = await fetch(`${server.url}/v1/devices/${bobsDevice}`, {
      method: 'DELETE',
      headers: bearer(alice.access),
    });
    expect(del.status).toBe(404);
  });

  it('finding 7: debit ids are per account: the same id from two accounts at once applies to each; reused with other content it fails that item alone (id_conflict)', async () => {
    const alice = await newUser(server.url);
    const bob = await newUser(server.url);
    await creditPack(alice);
    await creditPack(bob);
    const [aliceDevice, bobDevice] = [await device(alice.access), await device(bob.access)];
    const shared = debit();
    const answers = await Promise.all([
      usage(alice.access, aliceDevice, [shared]),
      usage(bob.access, bobDevice, [shared]),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    for (const a of answers) expect((await json(a)).results).toEqual([{ id: shared.id, status: 'applied' }]);
    expect(await ledgerSum(server.db, alice.accountId)).toBe(99);
    expect(await ledgerSum(server.db, bob.accountId)).toBe(99);

    // Alice reuses her id for a different debit: that item is refused, the rest of the batch applies.
    const fresh = debit();
    const mixed = await usage(alice.access, aliceDevice, [{ ...shared, tokens: 2 }, fresh]);
    expect(mixed.status).toBe(200);
    expect((await json(mixed)).results).toEqual([
      { id: shared.id, status: 'rejected', reason: 'id_conflict' },
      { id: fresh.id, status: 'applied' },
    ]);
    // The true repeat is still a duplicate, for her only.
    expect((await json(await usage(alice.access, aliceDevice, [shared]))).results).toEqual([
      { id: shared.id, status: 'duplicate' },
    ]);
    expect(await ledgerSum(server.db, alice.accountId)).toBe(98);
    expect(await ledgerSum(server.db, bob.accountId)).toBe(99);
  });

  it('limits devices per account and stops a revoked device from spending', async () => {
    const limited = await start(undefined, { config: { deviceLimit: 2, welcomeCredit: 5 } });
    try {
      const user = await newUser(limited.url);
      const d1 = (
        (await json(
          await post(limited.url, '/v1/devices', { name: 'a', platform: 'darwin' }, bearer(user.access)),
        )) as { deviceId: string }
      ).deviceId;
      await post(limited.url, '/v1/devices', { name: 'b', platform: 'darwin' }, bearer(user.access));
      const third = await post(
        limited.url,
        '/v1/devices',
        { name: 'c', platform: 'darwin' },
        bearer(user.access),
      );
      expect(third.status).toBe(409);
      await fetch(`${limited.url}/v1/devices/${d1}`, { method: 'DELETE', headers: bearer(user.access) });
      const revoked = await post(
        limited.url,
        '/v1/usage',
        { deviceId: d1, debits: [debit()] },
        bearer(user.access),
      );
      expect(revoked.status).toBe(403);
      expect((await json(revoked)).error).toMatchObject({ code: 'device_revoked' });
    } finally {
      await limited.close();
    }
  });

  it('registers a device once per installation: the same installation asked again gets the same device', async () => {
    const limited = await start(databaseUrl, { config: { deviceLimit: 2, welcomeCredit: 5 } });
    try {
      const user = await newUser(limited.url);
      const register = (installId: string) =>
        post(
          limited.url,
          '/v1/devices',
          { name: 'studio', platform: 'win32', installId },
          bearer(user.access),
        );
      const install = randomUUID();
      const first = await register(install);
      expect(first.status).toBe(201);
      const { deviceId } = (await json(first)) as { deviceId: string };
      // The answer was lost and the app asks again, more often than the account may have devices.
      for (let i = 0; i < 3; i++) {
        const again = await register(install);
        expect(again.status).toBe(200);
        expect(await json(again)).toEqual({ deviceId });
      }
      // Another installation is another device; past the limit, a third is refused.
      expect((await register(randomUUID())).status).toBe(201);
      expect((await register(randomUUID())).status).toBe(409);
      // A removed device's installation registers anew, as a new device.
      await fetch(`${limited.url}/v1/devices/${deviceId}`, {
        method: 'DELETE',
        headers: bearer(user.access),
      });
      const anew = await register(install);
      expect(anew.status).toBe(201);
      expect(((await json(anew)) as { deviceId: string }).deviceId).not.toBe(deviceId);
      // Not an installation id: refused before anything is written.
      expect((await register('../../etc')).status).toBe(400);
    } finally {
      await limited.close();
    }
  });

  it('credits a purchase exactly once: forged, stale and replayed webhooks change nothing', async () => {
    const user = await newUser(server.url);
    const created = await post(server.url, '/v1/checkout', { packId: 'studio' }, bearer(user.access));
    expect(((await json(created)) as { checkoutUrl: string }).checkoutUrl).toContain('/checkout/chk_');
    const body = JSON.stringify({
      id: 'evt_forged',
      type: 'checkout.completed',
      data: { accountId: user.accountId, packId: 'agency', checkoutId: 'chk_x' },
    });
    const forged = await post(server.url, '/v1/webhooks/payment', body, {
      'Atelier-Signature': signWebhook('not the secret', body),
    });
    expect(forged.status).toBe(400);
    const stale = await post(server.url, '/v1/webhooks/payment', body, {
      'Atelier-Signature': signWebhook(
        server.config.webhookSecret,
        body,
        Math.floor(Date.now() / 1000) - 3600,
      ),
    });
    expect(stale.status).toBe(400);
    const unsigned = await post(server.url, '/v1/webhooks/payment', body);
    expect(unsigned.status).toBe(400);
    expect(await ledgerSum(server.db, user.accountId)).toBe(0);

    const eventId = `evt_${randomUUID()}`;
    const checkoutId = await checkout(user.access, 'studio');
    expect((await webhook({ checkoutId }, eventId)).status).toBe(200);
    expect((await json(await webhook({ checkoutId }, eventId))).outcome).toBe('replayed');
    expect((await json(await webhook({ checkoutId }))).outcome).toBe('duplicate');
    expect(await ledgerSum(server.db, user.accountId)).toBe(500);
  });

  it('finding 4: a signed webhook credits only a checkout the server created, with its own pack and account', async () => {
    const alice = await newUser(server.url);
    const mallory = await newUser(server.url);
    // A checkout that does not exist: 4xx, nothing credited.
    const unknown = await webhook({ accountId: mallory.accountId, packId: 'agency', checkoutId: 'chk_nope' });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error).toMatchObject({ code: 'unknown_checkout' });
    // A real starter checkout announced as agency, or for another account: refused, nothing credited.
    const starter = await checkout(mallory.access, 'starter');
    const upgraded = await webhook({ accountId: mallory.accountId, packId: 'agency', checkoutId: starter });
    expect(upgraded.status).toBe(409);
    const redirected = await webhook({ accountId: alice.accountId, packId: 'starter', checkoutId: starter });
    expect(redirected.status).toBe(409);
    expect(await ledgerSum(server.db, mallory.accountId)).toBe(0);
    expect(await ledgerSum(server.db, alice.accountId)).toBe(0);
    // The checkout itself, named alone: the pack and the account come from its row.
    const paid = await webhook({ checkoutId: starter });
    expect(await json(paid)).toMatchObject({ outcome: 'credited' });
    expect(await ledgerSum(server.db, mallory.accountId)).toBe(100);
    // Completed once: two further events for it, even at the same time, credit nothing more.
    const again = await Promise.all([webhook({ checkoutId: starter }), webhook({ checkoutId: starter })]);
    expect(again.map((r) => r.status)).toEqual([200, 200]);
    expect(await Promise.all(again.map(async (r) => (await json(r)).outcome))).toEqual([
      'duplicate',
      'duplicate',
    ]);
    expect(await ledgerSum(server.db, mallory.accountId)).toBe(100);
    expect(await ledgerSum(server.db, alice.accountId)).toBe(0);
  });

  it('finding 10: checkoutUrl is built from ATELIER_PUBLIC_URL (required in production), never from the Host header', async () => {
    const user = await newUser(server.url);
    const viaEvilHost = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL('/v1/checkout', server.url);
      const req = request(
        url,
        {
          method: 'POST',
          headers: { host: 'evil.example', 'content-type': 'application/json', ...bearer(user.access) },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ packId: 'starter' }));
    });
    expect(viaEvilHost.status).toBe(200);
    const { checkoutUrl } = JSON.parse(viaEvilHost.body) as { checkoutUrl: string };
    expect(new URL(checkoutUrl).origin).toBe(new URL(server.url).origin);

    const secrets = {
      NODE_ENV: 'production',
      ATELIER_SIGNING_KEY: generateKeyPairSync('ed25519')
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString(),
      ATELIER_TOKEN_SECRET: randomBytes(32).toString('base64'),
      ATELIER_WEBHOOK_SECRET: randomBytes(32).toString('base64'),
    };
    expect(() => loadConfig(secrets)).toThrow(/ATELIER_PUBLIC_URL/);
    expect(() => loadConfig({ ...secrets, ATELIER_PUBLIC_URL: 'http://atelier.example' })).toThrow(/https/);
    const prod = await start(databaseUrl, {
      env: { ...secrets, ATELIER_PUBLIC_URL: 'https://license.atelier.example/' },
    });
    try {
      const u = await newUser(prod.url);
      const res = await post(prod.url, '/v1/checkout', { packId: 'starter' }, bearer(u.access));
      expect(String((await json(res)).checkoutUrl)).toMatch(
        /^https:\/\/license\.atelier\.example\/checkout\/chk_/,
      );
    } finally {
      await prod.close();
    }
  });

  it('publishes prices and packs', async () => {
    expect(await json(await fetch(`${server.url}/v1/prices`))).toMatchObject({
      prices: { cutout: 1, stylize: 2 },
      freeDailyQuota: 10,
    });
    const packs = (await json(await fetch(`${server.url}/v1/packs`))) as { packs: { id: string }[] };
    expect(packs.packs.map((p) => p.id)).toContain('starter');
  });
});
