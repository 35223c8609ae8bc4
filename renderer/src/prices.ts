/**
 * Prices as every screen says them, from the one table the engine sends with the account status
 * (electron/engine/account/price-table.ts): Account's price list, the Studio's cost lines and token
 * badges, and the cost confirmation before a batch. Nothing here holds a price of its own.
 */
import type { AccountStatus } from '../../electron/engine/api/contract';

export type PriceLine = AccountStatus['priceTable'][number];

/** What is free says so in these words, everywhere. */
export const FREE_WORDS = 'free — no model run';

/** The token badge's explanation (its tooltip, and the legend under Account's price list). */
export const TOKEN_LEGEND =
  'Changing this runs the model again on the photo: it costs tokens when you are signed in, or one of your free generations a day without an account. Background, shadow, canvas, trim, format and the brush are free.';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** How many of the account's unit `n` is: "3 tokens", "1 free generation". */
export function units(account: Pick<AccountStatus, 'kind'> | null, n: number): string {
  return account?.kind === 'signed_in'
    ? plural(n, 'token', 'tokens')
    : plural(n, 'free generation', 'free generations');
}

/** The table's line for an operation or free action (the account's price list when an older engine sent none). */
export function lineOf(account: AccountStatus | null, id: string): PriceLine {
  const line = account?.priceTable.find((l) => l.id === id);
  if (line) return line;
  const tokens = account?.prices[id] ?? 1;
  return { id, label: id, tokens, freeGenerations: tokens === 0 ? 0 : 1 };
}

/** What one photo of `id` costs this account, in words: "2 tokens", "1 free generation", "free — no model run". */
export function costOf(account: AccountStatus | null, id: string): string {
  const line = lineOf(account, id);
  if (line.tokens === 0) return FREE_WORDS;
  return units(account, account?.kind === 'signed_in' ? line.tokens : line.freeGenerations);
}

/** The price list as Account shows it: every line with its cost for this account. */
export function priceRows(
  account: AccountStatus,
): { id: string; label: string; cost: string; free: boolean }[] {
  return account.priceTable.map((line) => ({
    id: line.id,
    label: line.label,
    cost: costOf(account, line.id),
    free: line.tokens === 0,
  }));
}

/** When today's free generations come back, in local time: "at 00:00 tonight". */
export function resetText(resetsAt: string | undefined, now = new Date()): string {
  if (!resetsAt) return 'tomorrow';
  const at = new Date(resetsAt);
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const sameDay = at.toDateString() === now.toDateString();
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).toDateString();
  if (sameDay) return `today at ${time}`;
  if (at.toDateString() === tomorrow && at.getHours() === 0 && at.getMinutes() === 0)
    return `at midnight (${time})`;
  return `on ${at.toLocaleDateString()} at ${time}`;
}

/** Whether a run needs the person's OK first: it spends more than one token or free generation. */
export function shouldConfirm(
  settings: { confirmSpending?: boolean } | null,
  estimate: { tokens: number },
): boolean {
  return estimate.tokens > 1 && settings?.confirmSpending !== false;
}

/** Out of free generations or tokens: what to do now, in words ("Sign in to use tokens…"). */
export function wayForward(account: AccountStatus | null): string {
  if (!account?.serverUrl)
    return 'Buying tokens is not available in this build of Atelier: you can go on when the free generations come back.';
  return account.kind === 'signed_in'
    ? 'Buy a token pack on the Account page; the balance updates here when the payment completes.'
    : 'Sign in on the Account page to use tokens (you can buy a pack there), or wait for the free generations to come back.';
}
