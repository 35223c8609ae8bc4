/**
 * "This batch needs N tokens (or free generations), you have M": worked out from the account status
 * the UI already shows (prices, verified balance, today's free quota), before anything runs. The
 * token gate still decides per item; this only lets the UI say so up front.
 */
import type { AccountStatus, MethodResult } from './contract';

export function estimateBatch(
  account: AccountStatus,
  operation: string,
  count: number,
): MethodResult<'batch.estimate'> {
  if (account.kind === 'anonymous') {
    // Anonymous generations are paid by the daily free quota, one per photo whatever the operation.
    const freeLeft = account.quota ? Math.max(0, account.quota.limit - account.quota.used) : 0;
    return { tokens: count, freeLeft, balance: null, enough: count <= freeLeft };
  }
  const price = account.prices[operation] ?? 1;
  const tokens = price * count;
  return {
    tokens,
    freeLeft: null,
    balance: account.balance,
    enough: account.balance !== null && account.balance >= tokens && !account.blockedReason,
  };
}
