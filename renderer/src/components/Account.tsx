import { useEffect, useState } from 'react';
import { api, errorText } from '../api/client';
import { priceRows, resetText, TOKEN_LEGEND } from '../prices';
import { useStore } from '../store';

export function Account() {
  const account = useStore((s) => s.account);
  const refresh = useStore((s) => s.refreshAccount);
  const notify = useStore((s) => s.notify);
  const [packs, setPacks] = useState<{ id: string; tokens: number; priceCents: number; currency: string }[]>(
    [],
  );
  const [busy, setBusy] = useState(false);
  /** The balance when a checkout was opened: the engine re-checks it until the pack is credited. */
  const [checkoutFrom, setCheckoutFrom] = useState<number | null>(null);
  const balance = account?.balance ?? null;
  const credited = checkoutFrom !== null && balance !== null && balance > checkoutFrom;

  useEffect(() => {
    if (account?.kind === 'signed_in')
      void api['account.packs']({})
        .then((r) => setPacks(r.packs))
        .catch(() => setPacks([]));
  }, [account?.kind]);

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
      await refresh();
    } catch (error) {
      notify('error', errorText(error));
    } finally {
      setBusy(false);
    }
  };

  if (!account)
    return (
      <div className="page">
        <p className="muted">Loading…</p>
      </div>
    );
  return (
    <div className="page">
      <h1>Account</h1>
      <section className="card">
        {account.kind === 'anonymous' ? (
          <>
            <h2>Not signed in</h2>
            <p>
              You can make <strong>{account.quota?.limit ?? 10}</strong> free generations a day without an
              account.{' '}
              <span data-testid="quota">
                {Math.max(0, (account.quota?.limit ?? 0) - (account.quota?.used ?? 0))} left today.
              </span>{' '}
              <span className="muted" data-testid="quota-reset">
                New ones {resetText(account.quota?.resetsAt)}.
              </span>
            </p>
            {account.serverUrl ? (
              <button
                className="button primary"
                disabled={busy}
                onClick={() => run(() => api['account.signIn']({ keepHistory: true }))}
              >
                {busy ? 'Waiting for the browser…' : 'Sign in with your browser'}
              </button>
            ) : (
              <p className="muted" data-testid="no-buying">
                Signing in and buying tokens are not available in this build of Atelier: it runs on the free
                generations only.
              </p>
            )}
          </>
        ) : (
          <>
            <h2>{account.email}</h2>
            <p className="balance" data-testid="balance">
              {account.balance ?? '—'} <span>tokens</span>
            </p>
            {checkoutFrom !== null &&
              (credited ? (
                <p className="muted" data-testid="checkout-done">
                  Payment received: {(balance ?? 0) - checkoutFrom} tokens added.
                </p>
              ) : (
                <p className="notice-inline" data-testid="checkout-waiting">
                  Waiting for your payment in the browser — the balance updates here when it completes.
                </p>
              ))}
            {account.pendingDebits > 0 && (
              <p className="muted">{account.pendingDebits} generations waiting to sync</p>
            )}
            {account.validUntil && (
              <p className="muted">Balance confirmed until {new Date(account.validUntil).toLocaleString()}</p>
            )}
            <button className="button" disabled={busy} onClick={() => run(() => api['account.signOut']({}))}>
              Sign out
            </button>
          </>
        )}
        {account.blockedReason && <p className="notice-inline">{account.blockedReason}</p>}
      </section>
      <section className="card">
        <h2>Prices</h2>
        <table className="prices" data-testid="price-table">
          <tbody>
            {priceRows(account).map((row) => (
              <tr key={row.id} className={row.free ? 'free' : ''}>
                <td>{row.label}</td>
                <td>{row.cost}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted" data-testid="token-legend">
          <span className="cost-tag">token</span> {TOKEN_LEGEND}
        </p>
      </section>
      {account.kind === 'signed_in' && packs.length > 0 && (
        <section className="card">
          <h2>Buy tokens</h2>
          <div className="packs">
            {packs.map((p) => (
              <button
                key={p.id}
                className="pack"
                onClick={() =>
                  run(async () => {
                    setCheckoutFrom(account.balance ?? 0);
                    await api['account.buy']({ packId: p.id });
                  })
                }
              >
                <strong>{p.tokens}</strong> tokens
                <span>
                  {(p.priceCents / 100).toLocaleString(undefined, {
                    style: 'currency',
                    currency: p.currency,
                  })}
                </span>
              </button>
            ))}
          </div>
        </section>
      )}
    </div>
  );
}
