/**
 * Account steps the browser specs share: a fresh user on the real license server, a checkout paid the
 * way the payment provider would (a signed webhook: the only party imitated), and signing in through
 * the "system browser" (a second tab) exactly as a person does.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { skipUnlessCI } from '../../electron/engine/testing/ci';
import type { E2EState } from './fixtures';

export interface TestUser {
  email: string;
  password: string;
  accountId: string;
}

export async function registerUser(state: E2EState): Promise<TestUser> {
  const email = `designer-${randomUUID()}@example.com`;
  const password = 'a long studio password';
  const res = await fetch(`${state.serverUrl}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(201);
  // Registration does not say which account it made (nor whether the email existed): sign in to learn it.
  const login = await fetch(`${state.serverUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const { account } = (await login.json()) as { account: { id: string } };
  return { email, password, accountId: account.id };
}

/** What the payment provider sends when a checkout is paid. */
export async function payCheckout(
  state: E2EState,
  accountId: string,
  checkoutId: string,
  packId = 'starter',
): Promise<void> {
  const body = JSON.stringify({
    id: `evt_${randomUUID()}`,
    type: 'checkout.completed',
    data: { accountId, packId, checkoutId },
  });
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', state.webhookSecret).update(`${t}.${body}`).digest('hex');
  const res = await fetch(`${state.serverUrl}/v1/webhooks/payment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Atelier-Signature': `t=${t},v1=${v1}` },
    body,
  });
  expect(res.status).toBe(200);
}

/** A fresh user who bought the starter pack (100 tokens) before ever opening the app. */
export async function registerPaidUser(state: E2EState): Promise<TestUser> {
  const user = await registerUser(state);
  const login = await fetch(`${state.serverUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  const { access_token } = (await login.json()) as { access_token: string };
  // The server creates the checkout for the account; the provider's webhook reports it paid.
  const checkout = await fetch(`${state.serverUrl}/v1/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${access_token}` },
    body: JSON.stringify({ packId: 'starter' }),
  });
  expect(checkout.status).toBe(200);
  const { checkoutUrl } = (await checkout.json()) as { checkoutUrl: string };
  await payCheckout(state, user.accountId, checkoutUrl.split('/').pop()!);
  return user;
}

/** The next URL the engine asked the host to open (sign-in, checkout) after `from` bytes of the log. */
export async function nextOpenedUrl(state: E2EState, from: number, pattern: RegExp): Promise<string> {
  let url: string | undefined;
  await expect
    .poll(() => {
      const opened = [
        ...serveLog(state)
          .slice(from)
          .matchAll(/Open in your browser: (\S+)/g),
      ];
      url = opened.map((m) => m[1]!).find((u) => pattern.test(u));
      return url;
    })
    .toBeTruthy();
  return url!;
}

/** serve's stderr so far (the file appears with its first line). */
const serveLog = (state: E2EState) => (existsSync(state.logFile) ? readFileSync(state.logFile, 'utf8') : '');
export const logLength = (state: E2EState) => serveLog(state).length;

/**
 * First line of a test that signs in: the app keeps the refresh token in the OS keychain, so where
 * none answers the test skips and says why (in CI it fails: there the keychain is installed on purpose).
 */
export function needsKeychain(state: E2EState): void {
  test.skip(
    skipUnlessCI(state.keychainProblem, 'signing in (needs the OS keychain)'),
    state.keychainProblem ?? '',
  );
}

/** Account → Sign in with your browser → the authorize page in a second tab → back in the app. */
export async function signIn(page: Page, context: BrowserContext, state: E2EState, user: TestUser) {
  needsKeychain(state);
  await page.getByRole('button', { name: 'Account' }).click();
  const before = logLength(state);
  await page.getByRole('button', { name: 'Sign in with your browser' }).click();
  const authorizeUrl = await nextOpenedUrl(state, before, /authorize/);
  const browser = await context.newPage();
  await browser.goto(authorizeUrl);
  await browser.getByLabel('Email').fill(user.email);
  await browser.getByLabel('Password').fill(user.password);
  await browser.getByRole('button', { name: 'Sign in' }).click();
  // Close the tab only once the app's loopback listener has answered, as a person would.
  await expect(browser.getByRole('heading', { name: 'Signed in to Atelier' })).toBeVisible();
  await browser.close();
  await expect(page.getByTestId('balance')).toBeVisible();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Account' }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByTestId('quota')).toBeVisible();
}
