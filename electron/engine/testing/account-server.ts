/**
 * Test-only: the REAL license server (server/src) started on 127.0.0.1 with in-memory PGlite, plus the
 * few calls a test needs around it (register a user, password login for scripts, credit tokens through
 * a signed payment webhook: the payment provider is the only party we imitate). Not product code.
 */
import { randomUUID } from 'node:crypto';
import { startLicenseServer } from '../../../server/src/index';
import { signWebhook } from '../../../server/src/webhooks';
import { LicenseClient, type TokenResponse } from '../account/license-client';

export type LicenseServer = Awaited<ReturnType<typeof startLicenseServer>>;
export type StartOptions = Parameters<typeof startLicenseServer>[0];

export async function startTestServer(options: StartOptions = {}): Promise<LicenseServer> {
  return startLicenseServer({ host: '127.0.0.1', port: 0, ...options });
}

export async function registerUser(
  url: string,
  email = `user-${randomUUID()}@example.com`,
  password = 'correct horse battery staple',
): Promise<{ email: string; password: string; accountId: string }> {
  const res = await fetch(new URL('/v1/auth/register', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  // Registration does not say which account it made (nor whether the email existed): sign in to learn it.
  const tokens = await passwordLogin(url, email, password);
  return { email, password, accountId: tokens.account.id };
}

export async function passwordLogin(url: string, email: string, password: string): Promise<TokenResponse> {
  return new LicenseClient(url).passwordLogin(email, password);
}

/**
 * Credits a token pack the way a purchase does: the user opens a checkout (the server creates it for
 * their account and pack), then the payment provider reports it paid with a signed webhook.
 */
export async function creditPack(
  server: LicenseServer,
  user: { email: string; password: string },
  packId?: string,
): Promise<number> {
  const client = new LicenseClient(server.url);
  const packs = await client.packs();
  const pack = packId ? packs.find((p) => p.id === packId) : packs[0];
  if (!pack) throw new Error('the server offers no packs');
  const tokens = await client.passwordLogin(user.email, user.password);
  const { checkoutUrl } = await client.checkout(tokens.access_token, pack.id);
  await completeCheckout(server, checkoutUrl);
  return pack.tokens;
}

/** The payment provider's signed "checkout.completed" for a checkout the server created (its URL or id). */
export async function completeCheckout(server: LicenseServer, checkout: string): Promise<void> {
  const checkoutId = checkout.split('/').pop() ?? checkout;
  const body = JSON.stringify({
    id: `evt_${randomUUID()}`,
    type: 'checkout.completed',
    data: { checkoutId },
  });
  const res = await fetch(new URL('/v1/webhooks/payment', server.url), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'Atelier-Signature': signWebhook(server.config.webhookSecret, body),
    },
    body,
  });
  if (!res.ok) throw new Error(`webhook failed: ${res.status} ${await res.text()}`);
}
