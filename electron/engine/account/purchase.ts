/**
 * Buying tokens: the server creates a checkout (its payment provider's hosted page), the Host opens it
 * in the system browser, and the balance is polled until a newer statement shows the credit (the
 * payment provider's webhook credits the account on the server) or the wait runs out. The app also
 * re-fetches the balance on window focus, so a slow payment still shows up.
 */
import { AtelierError } from '../errors';
import type { Host } from '../host';
import { sleep } from './backoff';
import type { TokenPack } from './license-client';
import { checkServerLink } from './open-url';
import { refreshBalance, type SyncTarget } from './sync';
import type { VerifiedStatement } from './statement';

export async function choosePack(t: SyncTarget, packId?: string): Promise<TokenPack> {
  const packs = await t.session.client.packs();
  const pack = packId ? packs.find((p) => p.id === packId) : packs[0];
  if (!pack) {
    throw new AtelierError(
      'USAGE',
      packId ? `Unknown token pack "${packId}"` : 'The server offers no token packs',
      {
        hint: `choose one of: ${packs.map((p) => p.id).join(', ') || '(none)'}`,
      },
    );
  }
  return pack;
}

export async function openCheckout(t: SyncTarget, host: Host, packId: string): Promise<string> {
  const answer = await t.session.withToken((tok) => t.session.client.checkout(tok, packId));
  // Whatever the host, only a link on the configured server reaches the system browser.
  const checkoutUrl = checkServerLink(answer.checkoutUrl, t.session.client.origin);
  await host.openExternal(checkoutUrl);
  return checkoutUrl;
}

/** Polls the balance until it rises above `before`; returns the new statement, or undefined on timeout. */
export async function waitForCredit(
  t: SyncTarget,
  before: number,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<VerifiedStatement | undefined> {
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  while (Date.now() < deadline) {
    const statement = await refreshBalance(t).catch(() => undefined);
    if (statement && statement.balance > before) return statement;
    await sleep(options.intervalMs ?? 3000, t.signal);
  }
  return undefined;
}
