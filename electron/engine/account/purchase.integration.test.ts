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
import { signInBrowser } from './test-browser';
import { MemoryCredentialStore } from './test-credentials';
import { completeCheckout, registerUser, startTestServer, type LicenseServer } from './test-server';

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
});
