import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken } from '../src/crypto';
import type { LicenseServer } from '../src/index';
import { BACKENDS, bearer, json, newUser, post, postFrom, start } from './helpers';

const challengeOf = (v: string) => createHash('sha256').update(v).digest('base64url');

describe.each(BACKENDS)('accounts and OAuth sign-in ($name)', ({ databaseUrl }) => {
  let server: LicenseServer;
  beforeAll(async () => {
    server = await start(databaseUrl);
  });
  afterAll(() => server?.close());

  it('finding 10: registration answers the same whether or not the email exists, and keeps the first account', async () => {
    const user = await newUser(server.url);
    const again = await post(server.url, '/v1/auth/register', {
      email: user.email.toUpperCase(),
      password: 'another long password',
    });
    const fresh = await post(server.url, '/v1/auth/register', {
      email: `new-${randomBytes(6).toString('hex')}@example.com`,
      password: 'another long password',
    });
    expect(again.status).toBe(fresh.status);
    expect(await again.text()).toBe(await fresh.text());
    // The taken email still belongs to its owner: the second password does not sign in.
    expect(
      (await post(server.url, '/v1/auth/login', { email: user.email, password: 'another long password' }))
        .status,
    ).toBe(401);
    expect(
      (await post(server.url, '/v1/auth/login', { email: user.email, password: user.password })).status,
    ).toBe(200);
  });

  it('never says which of email or password was wrong', async () => {
    const user = await newUser(server.url);
    const wrongPassword = await post(server.url, '/v1/auth/login', {
      email: user.email,
      password: 'wrong password!',
    });
    const unknownEmail = await post(server.url, '/v1/auth/login', {
      email: 'nobody@example.com',
      password: 'wrong password!',
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(await wrongPassword.text()).toBe(await unknownEmail.text());
  });

  it('refuses malformed, oversized, unknown-field and wrongly typed bodies with a clear error', async () => {
    const malformed = await post(server.url, '/v1/auth/login', '{"email":');
    expect(malformed.status).toBe(400);
    expect(((await json(malformed)).error as { code: string }).code).toBe('invalid_json');
    const unknown = await post(server.url, '/v1/auth/register', {
      email: 'x@example.com',
      password: 'long enough pw',
      admin: true,
    });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error).toMatchObject({ field: 'admin' });
    const wrongType = await post(server.url, '/v1/auth/register', {
      email: 'x@example.com',
      password: 1234567890123,
    });
    expect(wrongType.status).toBe(400);
    const huge = await post(server.url, '/v1/auth/register', {
      email: 'x@example.com',
      password: 'p'.repeat(100_000),
    });
    expect(huge.status).toBe(413);
    // Nothing was written by any of them.
    const login = await post(server.url, '/v1/auth/login', {
      email: 'x@example.com',
      password: 'long enough pw',
    });
    expect(login.status).toBe(401);
  });

  it('runs authorization code + PKCE to a loopback redirect, single-use codes', async () => {
    const user = await newUser(server.url);
    const verifier = randomBytes(32).toString('base64url');
    const redirect = 'http://127.0.0.1:53682/callback';
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: 'atelier-desktop',
      redirect_uri: redirect,
      code_challenge: challengeOf(verifier),
      code_challenge_method: 'S256',
      state: 'state-123456',
    });
    const page = await fetch(`${server.url}/oauth/authorize?${query}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="code_challenge"');
    const form = new URLSearchParams({
      ...Object.fromEntries(query),
      email: user.email,
      password: user.password,
    });
    const submitted = await fetch(`${server.url}/oauth/authorize`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    expect(submitted.status).toBe(302);
    const location = new URL(submitted.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(redirect);
    expect(location.searchParams.get('state')).toBe('state-123456');
    const code = location.searchParams.get('code') ?? '';

    const exchange = (v: string) =>
      post(server.url, '/oauth/token', {
        grant_type: 'authorization_code',
        client_id: 'atelier-desktop',
        code,
        redirect_uri: redirect,
        code_verifier: v,
      });
    expect((await exchange(randomBytes(32).toString('base64url'))).status).toBe(400); // wrong verifier
    const tokens = await exchange(verifier);
    expect(tokens.status).toBe(200);
    const body = (await json(tokens)) as { access_token: string; account: { email: string } };
    expect(body.account.email).toBe(user.email);
    const me = await fetch(`${server.url}/v1/me`, { headers: bearer(body.access_token) });
    expect(await json(me)).toMatchObject({ email: user.email });
    expect((await exchange(verifier)).status).toBe(400); // a code works once
  });

  it('never sends a code anywhere but loopback, and shows wrong passwords on the page', async () => {
    const user = await newUser(server.url);
    const base = {
      response_type: 'code',
      client_id: 'atelier-desktop',
      code_challenge: challengeOf('v'.repeat(43)),
      code_challenge_method: 'S256',
      state: 'state-abcdef',
    };
    for (const redirect of [
      'https://evil.example/cb',
      'http://localhost.evil.example:80/cb',
      'http://10.0.0.1:8080/cb',
    ]) {
      const res = await fetch(
        `${server.url}/oauth/authorize?${new URLSearchParams({ ...base, redirect_uri: redirect })}`,
        { redirect: 'manual' },
      );
      expect(res.status).toBe(400);
    }
    const plain = await fetch(
      `${server.url}/oauth/authorize?${new URLSearchParams({ ...base, redirect_uri: 'http://127.0.0.1:1/cb', code_challenge_method: 'plain' })}`,
    );
    expect(plain.status).toBe(400);
    const wrong = await fetch(`${server.url}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({
        ...base,
        redirect_uri: 'http://127.0.0.1:1/cb',
        email: user.email,
        password: 'not the password',
      }),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong email or password');
  });

  const refreshOn = (url: string, token: string) =>
    post(url, '/oauth/token', {
      grant_type: 'refresh_token',
      client_id: 'atelier-desktop',
      refresh_token: token,
    });

  it('rotates refresh tokens and revokes the family when an old one is reused after the grace window', async () => {
    const strict = await start(databaseUrl, { config: { refreshGraceSeconds: 0 } });
    try {
      const user = await newUser(strict.url);
      const first = (await json(await refreshOn(strict.url, user.refresh))) as { refresh_token: string };
      expect(first.refresh_token).not.toBe(user.refresh);
      const reuse = await refreshOn(strict.url, user.refresh);
      expect(reuse.status).toBe(400);
      expect((await json(reuse)).error).toMatchObject({ code: 'invalid_grant' });
      // The thief's reuse also killed the legitimate newer token.
      expect((await refreshOn(strict.url, first.refresh_token)).status).toBe(400);
    } finally {
      await strict.close();
    }
  });

  it('finding 8: the app and the CLI refreshing with one token at once get the same new pair and stay signed in', async () => {
    const user = await newUser(server.url);
    const [app, cli] = await Promise.all([
      refreshOn(server.url, user.refresh),
      refreshOn(server.url, user.refresh),
    ]);
    expect([app.status, cli.status]).toEqual([200, 200]);
    const [a, c] = (await Promise.all([json(app), json(cli)])) as {
      refresh_token: string;
      access_token: string;
    }[];
    expect(a?.refresh_token).toBe(c?.refresh_token);
    expect(a?.refresh_token).not.toBe(user.refresh);
    for (const t of [a, c])
      expect((await fetch(`${server.url}/v1/me`, { headers: bearer(t?.access_token ?? '') })).status).toBe(
        200,
      );
    // The family lives on: the new token rotates normally.
    expect((await refreshOn(server.url, a?.refresh_token ?? '')).status).toBe(200);
  });

  it('finding 8: a reused authorization code revokes the refresh and access tokens issued from it', async () => {
    const user = await newUser(server.url);
    const verifier = randomBytes(32).toString('base64url');
    const redirect = 'http://127.0.0.1:53682/callback';
    const query = {
      response_type: 'code',
      client_id: 'atelier-desktop',
      redirect_uri: redirect,
      code_challenge: challengeOf(verifier),
      code_challenge_method: 'S256',
      state: 'state-reused-code',
    };
    const submitted = await fetch(`${server.url}/oauth/authorize`, {
      method: 'POST',
      body: new URLSearchParams({ ...query, email: user.email, password: user.password }),
      redirect: 'manual',
    });
    const code = new URL(submitted.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const exchange = () =>
      post(server.url, '/oauth/token', {
        grant_type: 'authorization_code',
        client_id: 'atelier-desktop',
        code,
        redirect_uri: redirect,
        code_verifier: verifier,
      });
    const granted = (await json(await exchange())) as { access_token: string; refresh_token: string };
    expect((await fetch(`${server.url}/v1/me`, { headers: bearer(granted.access_token) })).status).toBe(200);
    const replayed = await exchange();
    expect(replayed.status).toBe(400);
    expect((await json(replayed)).error).toMatchObject({ code: 'invalid_grant' });
    expect((await refreshOn(server.url, granted.refresh_token)).status).toBe(400);
    expect((await fetch(`${server.url}/v1/me`, { headers: bearer(granted.access_token) })).status).toBe(401);
    // Other sign-ins of the same account are untouched.
    expect((await fetch(`${server.url}/v1/me`, { headers: bearer(user.access) })).status).toBe(200);
  });

  it('signs out by revoking the refresh token, and deletes an account keeping the ledger', async () => {
    const user = await newUser(server.url);
    await post(server.url, '/oauth/revoke', { token: user.refresh });
    const after = await post(server.url, '/oauth/token', {
      grant_type: 'refresh_token',
      client_id: 'atelier-desktop',
      refresh_token: user.refresh,
    });
    expect(after.status).toBe(400);
    // Signing out ends that sign-in's access token too.
    expect((await fetch(`${server.url}/v1/me`, { headers: bearer(user.access) })).status).toBe(401);
    const again = (await json(
      await post(server.url, '/v1/auth/login', { email: user.email, password: user.password }),
    )) as { access_token: string };
    const del = await fetch(`${server.url}/v1/account`, {
      method: 'DELETE',
      headers: bearer(again.access_token),
    });
    expect(del.status).toBe(204);
    expect(
      (await post(server.url, '/v1/auth/login', { email: user.email, password: user.password })).status,
    ).toBe(401);
    const [row] = await server.db.query<{ email: string | null }>(
      'SELECT email FROM accounts WHERE id = $1',
      [user.accountId],
    );
    expect(row?.email).toBeNull();
    expect((await fetch(`${server.url}/v1/me`, { headers: bearer(again.access_token) })).status).toBe(401);
  });

  it('refuses forged and expired access tokens', async () => {
    const user = await newUser(server.url);
    const [body, mac] = user.access.split('.');
    const forged = `${Buffer.from(JSON.stringify({ sub: 'someone-else', exp: 9999999999 })).toString('base64url')}.${mac}`;
    expect((await fetch(`${server.url}/v1/balance`, { headers: bearer(forged) })).status).toBe(401);
    expect((await fetch(`${server.url}/v1/balance`, { headers: bearer(`${body}.AAAA`) })).status).toBe(401);
    const short = await start(undefined, { config: { accessTokenSeconds: 0 } });
    try {
      const u = await newUser(short.url);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await fetch(`${short.url}/v1/balance`, { headers: bearer(u.access) })).status).toBe(401);
    } finally {
      await short.close();
    }
  });

  it('rate-limits per IP with a clear 429', async () => {
    const limited = await start(undefined, { config: { rateLimitPerMinute: 3 } });
    try {
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await fetch(`${limited.url}/v1/prices`)).status);
      expect(codes).toEqual([200, 200, 200, 429, 429]);
      const body = await json(await fetch(`${limited.url}/v1/prices`));
      expect(body.error).toMatchObject({ code: 'rate_limited' });
    } finally {
      await limited.close();
    }
  });

  it('finding 5: 21 bad passwords for one email in a minute get 429, keyed by IP and email, never by the Bearer token', async () => {
    const fresh = await start(databaseUrl);
    try {
      const password = 'correct horse battery staple';
      const victim = `v-${randomBytes(6).toString('hex')}@example.com`;
      const other = `o-${randomBytes(6).toString('hex')}@example.com`;
      for (const email of [victim, other])
        expect(
          (await postFrom('127.0.0.9', fresh.url, '/v1/auth/register', { email, password })).status,
        ).toBe(201);
      const wrong = (email: string) => ({ email, password: 'not the password' });

      // One IP, a different valid Bearer token on every try: the tokens buy no fresh budget.
      const fromOneIp: number[] = [];
      for (let i = 0; i < 21; i++) {
        const token = signAccessToken(
          { sub: randomUUID(), exp: Math.floor(Date.now() / 1000) + 600 },
          fresh.config.tokenSecret,
        );
        fromOneIp.push(
          (await postFrom('127.0.0.2', fresh.url, '/v1/auth/login', wrong(other), bearer(token))).status,
        );
      }
      expect(fromOneIp.slice(0, 20).every((s) => s === 401)).toBe(true);
      expect(fromOneIp[20]).toBe(429);

      // 21 IPs, one try each, all at the victim's email: the 21st is refused, and so is the right
      // password for the rest of the minute, while another email from a new IP is still answered.
      const fromManyIps: number[] = [];
      for (let i = 0; i < 21; i++)
        fromManyIps.push(
          (await postFrom(`127.0.1.${i + 1}`, fresh.url, '/v1/auth/login', wrong(victim))).status,
        );
      expect(fromManyIps.slice(0, 20).every((s) => s === 401)).toBe(true);
      expect(fromManyIps[20]).toBe(429);
      const limited = await postFrom('127.0.2.1', fresh.url, '/v1/auth/login', { email: victim, password });
      expect(limited.status).toBe(429);
      expect(JSON.parse(limited.body)).toMatchObject({ error: { code: 'rate_limited' } });
      expect((await postFrom('127.0.2.2', fresh.url, '/v1/auth/login', wrong(`x-${victim}`))).status).toBe(
        401,
      );
    } finally {
      await fresh.close();
    }
  });

  it('publishes an OpenAPI document and security headers', async () => {
    const doc = await json(await fetch(`${server.url}/openapi.json`));
    expect(Object.keys(doc.paths as object)).toEqual(
      expect.arrayContaining(['/v1/usage', '/v1/balance', '/oauth/token']),
    );
    const res = await fetch(`${server.url}/v1/prices`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
