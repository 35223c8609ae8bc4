import { costOf, resetText, units, wayForward } from '../prices';
import { useStore } from '../store';

/**
 * Before a run that spends more than one token or free generation: what it costs, what is left and
 * what will be left, with Start (and "don't ask again"). When the account cannot pay for all of it:
 * when the free generations come back (local time) and the way forward — sign in or buy, or, in a
 * build without a license server, that buying is not available. "Run the first N" starts what the
 * balance pays for: the token gate stops there, and the rest wait as "Out of tokens" with Resume.
 */
export function TokenCheck() {
  const check = useStore((s) => s.tokenCheck);
  const account = useStore((s) => s.account);
  const operation = useStore((s) => s.operation);
  const startBatch = useStore((s) => s.startBatch);
  const resumeBatch = useStore((s) => s.resumeBatch);
  const saveSettings = useStore((s) => s.saveSettings);
  const setView = useStore((s) => s.setView);
  if (!check) return null;
  const { estimate } = check;
  const anonymous = estimate.balance === null;
  const have = anonymous ? (estimate.freeLeft ?? 0) : (estimate.balance ?? 0);
  const unitOf = { kind: anonymous ? ('anonymous' as const) : ('signed_in' as const) };
  const count = check.inputs.length;
  const photos = `${count} ${count === 1 ? 'photo' : 'photos'}`;
  const proceed = () =>
    check.resumeBatchId
      ? void resumeBatch(check.resumeBatchId, { force: true })
      : void startBatch(check.inputs, { force: true });
  const close = () => useStore.setState({ tokenCheck: null });
  if (estimate.enough)
    return (
      <div
        className="token-check"
        role="alertdialog"
        aria-label="Confirm the cost"
        data-testid="token-check"
        data-enough="true"
      >
        <div>
          <strong data-testid="token-check-cost">
            {photos} will use {units(unitOf, estimate.tokens)} ({costOf(account, operation)} each).
          </strong>
          <p className="muted">
            You have {units(unitOf, have)}
            {anonymous ? ' left today' : ''}; {units(unitOf, have - estimate.tokens)} after this.
          </p>
          <label className="check">
            <input
              type="checkbox"
              data-testid="token-check-dont-ask"
              onChange={(e) => void saveSettings({ confirmSpending: !e.target.checked })}
            />
            Don’t ask again (Settings can turn it back on)
          </label>
        </div>
        <div className="token-check-actions">
          <button className="button primary" onClick={proceed} data-testid="token-check-start">
            Start {photos}
          </button>
          <button className="button" onClick={close}>
            Not now
          </button>
        </div>
      </div>
    );
  const perPhoto = Math.max(1, estimate.tokens / Math.max(1, count));
  const affordable = Math.min(count, Math.floor(have / perPhoto));
  return (
    <div className="token-check" role="alertdialog" aria-label="Not enough tokens" data-testid="token-check">
      <div>
        <strong>
          {photos} {count === 1 ? 'needs' : 'need'} {units(unitOf, estimate.tokens)}; you have {have}
          {anonymous ? ' left today' : ''}.
        </strong>
        {anonymous && (
          <p className="muted" data-testid="quota-reset">
            New free generations {resetText(account?.quota?.resetsAt)}.
          </p>
        )}
        <p className="muted" data-testid="way-forward">
          {!anonymous && account?.blockedReason && account.serverUrl ? `${account.blockedReason}. ` : ''}
          {wayForward(account)}
        </p>
      </div>
      <div className="token-check-actions">
        {account?.serverUrl && (
          <button className="button primary" onClick={() => setView('account')} data-testid="token-check-get">
            {anonymous ? 'Sign in' : 'Buy tokens'}
          </button>
        )}
        <button
          className="button"
          onClick={proceed}
          data-testid="token-check-anyway"
          title="Runs what you can pay for now; the rest wait as Out of tokens and resume later"
        >
          {affordable > 0 ? `Run the first ${affordable}` : 'Queue them for later'}
        </button>
        <button className="button" onClick={close}>
          Not now
        </button>
      </div>
    </div>
  );
}
