/**
 * The Privacy page: what Atelier stores where, for how long and what it sends (the statements of
 * privacy-text.ts, the same as PRIVACY.md), and the two rights that act on it: export everything,
 * delete the account.
 */
import { useState } from 'react';
import { api, errorText } from '../api/client';
import { useStore } from '../store';
import { Icon } from './icons';
import { PRIVACY_SECTIONS } from './privacy-text';

export function Privacy() {
  const settings = useStore((s) => s.settings);
  const account = useStore((s) => s.account);
  const notify = useStore((s) => s.notify);
  const [exportPath, setExportPath] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const target = exportPath || (settings ? `${settings.outputDir}/atelier-export.zip` : '');

  const run = async (step: () => Promise<string>) => {
    setBusy(true);
    try {
      notify('info', await step());
    } catch (error) {
      notify('error', errorText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page privacy">
      <h1>Privacy</h1>
      {PRIVACY_SECTIONS.map((section) => (
        <section className="card" key={section.title}>
          <h2>{section.title}</h2>
          {section.statements.map((s) => (
            <p key={s.text}>{s.text}</p>
          ))}
        </section>
      ))}
      <section className="card">
        <h2>Export my data</h2>
        <label className="field">
          <span className="field-label">Zip file (outside the profile folder)</span>
          <input type="text" value={target} onChange={(e) => setExportPath(e.target.value)} />
        </label>
        <button
          className="button"
          disabled={busy || !target}
          onClick={() =>
            void run(async () => {
              const r = await api['history.export']({ path: target });
              return `Exported ${r.items} items to ${r.file}`;
            })
          }
        >
          <Icon name="download" /> Export
        </button>
      </section>
      <section className="card">
        <h2>Delete account</h2>
        <p>
          {account?.kind === 'signed_in'
            ? `Deletes ${account.email ?? 'this account'} here and on the license server. The token ledger stays there under an anonymous id.`
            : 'Deletes the history, images, ledger and settings of this computer’s anonymous account.'}
        </p>
        {confirming ? (
          <div className="actions">
            <button
              className="button danger"
              disabled={busy}
              data-testid="confirm-delete-account"
              onClick={() =>
                void run(async () => {
                  const r = await api['account.delete']({ confirm: true });
                  setConfirming(false);
                  useStore.setState({ account: r.status });
                  return r.deletedOnServer
                    ? 'Account deleted here and on the license server'
                    : 'Account deleted on this computer';
                })
              }
            >
              <Icon name="trash" /> Yes, delete everything
            </button>
            <button className="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        ) : (
          <button className="button danger" onClick={() => setConfirming(true)}>
            <Icon name="trash" /> Delete account…
          </button>
        )}
      </section>
    </div>
  );
}
