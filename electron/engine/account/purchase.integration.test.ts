/**
 * Buying tokens against the REAL license server: `buy` asks the server for a checkout, opens it through
 * the Host, and polls the balance until the credit shows. The payment provider (the one party we
 * imitate) confirms the payment with a signed webhook a moment after the page opens. The refresh token
 * is in an in-memory CredentialStore: this test is not about the keychain.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Host } from '../host';
import { Store } from '../store';
import { tempDir } from '../testing/fixtures';
import { AccountService } from './account-service';
import { LicenseClient } from './license-client';
import { openerCommand } from './open-url';
import { signInBrowser } from '../testing/account-browser';
import { MemoryCredentialStore } from '../testing/account-credentials';
import { startTestProxy } from '../testing/account-proxy';
import {
  completeCheckout,
  registerUser,
  startTestServer,
  type LicenseServer,
} from '../testing/account-server';

let server: LicenseServer;
let tmp: ReturnType<typeof tempDir>;
beforeEach(async () => {
  server = await startTestServer();
  tmp = tempDir('atelier-buy-');
});
afterEach(async () => {
  await server.close();
  tmp.cleanup();
});

describe('buying tokens', () => {
  it('opens the checkout in the browser and sees the balance rise once the payment webhook lands', async () => {
    const user = await registerUser(server.url);
    const signIn = signInBrowser(user);
    const checkouts: Array<{ url: string; status: number }> = [];
    const host: Host = {
      ...signIn,
      async openExternal(url) {
        if (new URL(url).pathname.startsWith('/oauth/authorize')) return signIn.openExternal(url);
        const page = await fetch(url);
        checkouts.push({ url, status: page.status });
        // The user pays; the provider tells the server a little later.
        setTimeout(() => void completeCheckout(server, url), 300);
      },
    };
    const packs = await new LicenseClient(server.url).packs();
    const packId = packs[0]?.id ?? 'none';
    const store = Store.open({ database: path.join(tmp.dir, 'atelier.db') });
    try {
      const service = new AccountService({
        store,
        config: { serverUrl: server.url, pinnedKeys: [{ publicKey: server.publicKeyBase64 }] },
        credentials: new MemoryCredentialStore(),
        host,
      });
      const login = await service.login({ keepHistory: false, timeoutMs: 20_000 });
      expect(login.statement?.balance).toBe(0);

      const bought = await service.buy({ packId, waitMs: 15_000, intervalMs: 200 });
      expect(checkouts).toHaveLength(1);
      expect(checkouts[0]?.status).toBe(200);
      expect(bought.credited?.balance).toBe(packs[0]?.tokens);
      expect(service.gate().spendable().spendable).toBe(packs[0]?.tokens);

      await expect(service.buy({ packId: 'no-such-pack', waitMs: 0 })).rejects.toMatchObject({
        code: 'USAGE',
        message: expect.stringMatching(/no-such-pack/),
      });
    } finally {
      store.close();
    }
  });

  it('finding 6: a checkoutUrl that is not https on the configured server never reaches the opener', async () => {
    const user = await registerUser(server.url);
    let hostile = '';
    // The network (or a compromised server) answers the checkout request with a link of its choice.
    const proxy = await startTestProxy({
      upstream: server.url,
      onAnswer: (e) =>
        e.path === '/v1/checkout' && hostile
          ? { status: 200, body: Buffer.from(JSON.stringify({ checkoutUrl: hostile })) }
          : undefined,
    });
    const signIn = signInBrowser(user);
    const opened: string[] = [];
    const host: Host = {
      ...signIn,
      async openExternal(url) {
        if (new URL(url).pathname.startsWith('/oauth/authorize')) return signIn.openExternal(url);
        opened.push(url);
      },
    };
    const store = Store.open({ database: path.join(tmp.dir, 'atelier.db') });
    try {
      const service = new AccountService({
        store,
        config: { serverUrl: proxy.url, pinnedKeys: [{ publicKey: server.publicKeyBase64 }] },
        credentials: new MemoryCredentialStore(),
        host,
      });
      await service.login({ keepHistory: false, timeoutMs: 20_000 });
      const port = new URL(proxy.url).port;
      for (const link of [
        'file:///etc/passwd',
        'https://evil.example/checkout/chk_1',
        `https://evil.example/pay?x=1&calc.exe`,
        `http://127.0.0.1:${Number(port) + 1}/checkout/chk_1`, // loopback, but not the configured server
        `javascript:alert(1)`,
      ]) {
        hostile = link;
        await expect(service.buy({ waitMs: 0 })).rejects.toMatchObject({
          code: 'AUTH',
          message: expect.stringMatching(/will not open/),
          hint: expect.stringContaining(new URL(proxy.url).origin),
        });
      }
      expect(opened).toEqual([]);
      // A link on the configured server (here the proxy's origin, which is what the app was told).
      hostile = `${proxy.url}/checkout/chk_1?pack=starter&x=1`;
      const bought = await service.buy({ waitMs: 0 });
      expect(opened).toEqual([bought.checkoutUrl]);
      expect(new URL(bought.checkoutUrl).origin).toBe(new URL(proxy.url).origin);
    } finally {
      store.close();
      await proxy.close();
    }
  });

  it('finding 6: the opener is a program with the URL as one argument, never a shell (cmd /c start)', () => {
    const href = 'https://license.atelier.example/checkout/chk_1?a=1&b=2';
    expect(openerCommand(href, 'win32')).toEqual(['rundll32', ['url.dll,FileProtocolHandler', href]]);
    expect(openerCommand(href, 'darwin')).toEqual(['open', [href]]);
    expect(openerCommand(href, 'linux')).toEqual(['xdg-open', [href]]);
  });
});
