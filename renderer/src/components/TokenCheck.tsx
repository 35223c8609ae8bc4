import { useStore } from '../store';

/**
 * Before a batch the account cannot pay for: "needs N tokens (or free generations), you have M", with
 * sign in / buy right there. Run anyway starts it: the token gate stops it where the tokens end, and
 * the rest wait as "Out of tokens" with Resume.
 */
export function TokenCheck() {
  const check = useStore((s) => s.tokenCheck);
  const account = useStore((s) => s.account);
  const startBatch = useStore((s) => s.startBatch);
  const resumeBatch = useStore((s) => s.resumeBatch);
  const setView = useStore((s) => s.setView);
  if (!check) return null;
  const { estimate } = check;
  const anonymous = estimate.balance === null;
  const have = anonymous ? (estimate.freeLeft ?? 0) : estimate.balance;
  const unit = anonymous ? 'free generations' : 'tokens';
  const count = check.inputs.length;
  const proceed = () =>
    check.resumeBatchId
      ? void resumeBatch(check.resumeBatchId, { force: true })
      : void startBatch(check.inputs, { force: true });
  if (estimate.enough)
    return (
      <div className="token-check" role="status" data-testid="token-check" data-enough="true">
        <strong>
          Ready: {count} {count === 1 ? 'photo needs' : 'photos need'} {estimate.tokens} {unit}; you have{' '}
          {have}.
        </strong>
        <div className="token-check-actions">
          <button className="button primary" onClick={proceed} data-testid="token-check-start">
            Start
          </button>
          <button className="button" onClick={() => useStore.setState({ tokenCheck: null })}>
            Not now
          </button>
        </div>
      </div>
    );
  const affordable = Math.min(count, Math.floor((have ?? 0) / Math.max(1, estimate.tokens / count)));
  return (
    <div className="token-check" role="alertdialog" aria-label="Not enough tokens" data-testid="token-check">
      <div>
        <strong>
          {count} {count === 1 ? 'photo needs' : 'photos need'} {estimate.tokens} {unit}; you have {have ?? 0}
          {anonymous ? ' left today' : ''}.
        </strong>
        <p className="muted">
          {anonymous
            ? 'Sign in to use tokens, or come back tomorrow for new free generations.'
            : (account?.blockedReason ??
              'Buy a token pack; the balance updates here when the payment completes.')}
        </p>
      </div>
      <div className="token-check-actions">
        <button className="button primary" onClick={() => setView('account')} data-testid="token-check-get">
          {anonymous ? 'Sign in' : 'Buy tokens'}
        </button>
        <button
          className="button"
          onClick={proceed}
          data-testid="token-check-anyway"
          title="Runs what the balance pays for; the rest wait as Out of tokens and resume after a purchase"
        >
          {affordable > 0 ? `Run the first ${affordable}` : 'Queue them for later'}
        </button>
        <button className="button" onClick={() => useStore.setState({ tokenCheck: null })}>
          Not now
        </button>
      </div>
    </div>
  );
}
