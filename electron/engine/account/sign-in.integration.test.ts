/**
 * The whole sign-in round trip against the REAL license server, with the REAL OS keychain: the app
 * opens the authorize page through the Host, "the user" (testing/account-browser.ts, plain HTTP) signs in on the
 * server's page, the server redirects to the loopback listener, the code is exchanged with the PKCE
 * verifier, and the refresh token lands in the keychain. Needs a Secret Service (see credentials.test.ts).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnlessCI } from '../testing/ci';
import { keychainProblem } from '../testing/keychain';
import { Store } from '../store';
import { repoRoot, tempDir } from '../testing/fixtures';
import { AccountService } from './account-service';
import { KeytarCredentialStore, keychainService } from './credentials';
import { LicenseClient } from './license-client';
import { signInBrowser } from '../testing/account-browser';
import { creditPack, registerUser, startTestServer, type LicenseServer } from '../testing/account-server';

const problem = await keychainProblem();
skipUnlessCI(problem, 'sign-in round trip (needs the keychain)');

describe.skipIf(problem !== null)('sign-in round trip (real server, real keychain)', () => {
  let server: LicenseServer;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    server = await startTestServer();
    tmp = tempDir('atelier-signin-');
  });
  afterAll(async () => {
    await server.close();
    tmp.cleanup();
  });

  it('signs in through the browser page, stores the refresh token in the keychain, signs out', async () => {
    const user = await registerUser(server.url);
    const credited = await creditPack(server, user);
    const store = Store.open({ database: path.join(tmp.dir, 'a.db') });
    const credentials = new KeytarCredentialStore();
    const browser = signInBrowser(user);
    const service = new AccountService({
      store,
      config: { serverUrl: server.url, pinnedKeys: [{ publicKey: server.publicKeyBase64 }] },
      credentials,
      host: browser,
    });
    try {
      const result = await service.login({ keepHistory: false, timeoutMs: 20_000 });
      expect(result.account).toEqual({ id: user.accountId, email: user.email });
      expect(result.statement?.balance).toBe(credited);

      // What the browser saw: the authorize URL with PKCE S256 and state, and a redirect to 127.0.0.1.
      const authorize = new URL(browser.visits[0]?.authorizeUrl ?? '');
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      expect(browser.visits[0]?.redirectedTo).toContain(
        `state=${authorize.searchParams.get('state') ?? 'x'}`,
      );

      // The refresh token is in the keychain (one entry for this server and account), not in SQLite.
      const service_ = keychainService(server.url);
      const refresh = await credentials.get(service_, user.accountId);
      expect(refresh).toBeTruthy();
      const dump = store.db
        .prepare("SELECT group_concat(value_json, ' ') FROM settings")
        .pluck()
        .get() as string;
      expect(dump ?? '').not.toContain(refresh ?? '<none>');

      expect(await service.whoami()).toMatchObject({ keychain: 'present', email: user.email });
      expect(service.gate().spendable().balance).toBe(credited);

      const out = await service.logout();
      expect(out.revokedOnServer).toBe(true);
      expect(await credentials.get(service_, user.accountId)).toBeNull();
      expect(store.currentAccount().kind).toBe('anonymous');
      // The revoked refresh token no longer works on the server.
      await expect(new LicenseClient(server.url).refresh(refresh ?? '')).rejects.toMatchObject({
        code: 'AUTH',
      });
    } finally {
      await credentials.delete(keychainService(server.url), user.accountId).catch(() => false);
      store.close();
    }
  });

  it('a wrong password on the sign-in page never reaches the loopback listener: sign-in times out clearly', async () => {
    const user = await registerUser(server.url);
    const store = Store.open({ database: path.join(tmp.dir, 'b.db') });
    const browser = signInBrowser({ email: user.email, password: 'wrong password' });
    const service = new AccountService({
      store,
      config: { serverUrl: server.url, pinnedKeys: [{ publicKey: server.publicKeyBase64 }] },
      credentials: new KeytarCredentialStore(),
      host: browser,
    });
    try {
      await expect(service.login({ keepHistory: false, timeoutMs: 1500 })).rejects.toMatchObject({
        code: 'AUTH',
        message: expect.stringMatching(/not completed/),
      });
      expect(store.currentAccount().kind).toBe('anonymous');
    } finally {
      store.close();
    }
  });

  it('the CLI: atelier login prints the URL, the browser signs in, then whoami, balance and logout', async () => {
    const user = await registerUser(server.url);
    const credited = await creditPack(server, user);
    const env = {
      ...process.env,
      ATELIER_SERVER_URL: server.url,
      ATELIER_SERVER_PUBLIC_KEY: server.publicKeyBase64,
      ATELIER_HOME: path.join(tmp.dir, 'cli-profile'),
    };
    const cli = path.join(repoRoot, 'electron/engine/cli.ts');
    const run = (args: string[], onStderr?: (text: string) => void) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          onStderr?.(stderr);
        });
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
    const browser = signInBrowser(user);
    let opened = false;
    const login = await run(
      ['login', '--no-keep-history', '--no-browser', '--timeout', '30', '--json'],
      (text) => {
        const url = /Open this URL in your browser: (\S+)/.exec(text)?.[1];
        if (url && !opened) {
          opened = true;
          void browser.openExternal(url);
        }
      },
    );
    try {
      expect(login.code, login.stderr).toBe(0);
      expect(JSON.parse(login.stdout)).toMatchObject({
        account: { id: user.accountId, email: user.email },
        balance: credited,
      });

      const who = await run(['whoami', '--json']);
      expect(JSON.parse(who.stdout)).toMatchObject({
        signedIn: true,
        accountId: user.accountId,
        email: user.email,
      });
      const balance = await run(['balance', '--json']);
      expect(balance.code, balance.stderr).toBe(0);
      expect(JSON.parse(balance.stdout)).toMatchObject({
        balance: credited,
        pending: 0,
        spendable: credited,
        expired: false,
      });

      const logout = await run(['logout']);
      expect(logout.stdout).toMatch(new RegExp(`Signed out of ${user.email.replace('.', '\\.')}`));
      expect(await new KeytarCredentialStore().get(keychainService(server.url), user.accountId)).toBeNull();
      const after = await run(['whoami', '--json']);
      expect(JSON.parse(after.stdout)).toMatchObject({ signedIn: false });
    } finally {
      await new KeytarCredentialStore()
        .delete(keychainService(server.url), user.accountId)
        .catch(() => false);
    }
  });
});
