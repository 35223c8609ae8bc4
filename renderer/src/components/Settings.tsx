import { api, errorText } from '../api/client';
import { useStore } from '../store';
import { GpuState } from './GpuState';
import { ModelsPage } from './ModelsPage';

/** The pickers list what system.info lists, which follows the developer setting: refetch it. */
async function showDevelopmentModels(show: boolean): Promise<void> {
  await useStore.getState().saveSettings({ developerModels: show });
  useStore.setState({ info: await api['system.info']({}) });
}

export function Settings() {
  const settings = useStore((s) => s.settings);
  const info = useStore((s) => s.info);
  const save = useStore((s) => s.saveSettings);
  if (!settings || !info)
    return (
      <div className="page">
        <p className="muted">Loading…</p>
      </div>
    );
  return (
    <div className="page">
      <h1>Settings</h1>
      <section className="card">
        <h2>Processing</h2>
        <label className="field">
          <span className="field-label">Run models on</span>
          <select
            value={settings.provider}
            onChange={(e) => void save({ provider: e.target.value as 'auto' | 'cpu' | 'gpu' })}
          >
            <option value="auto">Automatic (GPU when available, else CPU)</option>
            <option value="gpu">GPU only</option>
            <option value="cpu">CPU only</option>
          </select>
        </label>
        <GpuState />
        <label className="field">
          <span className="field-label">Threads (0 = all cores; applies after restart)</span>
          <input
            type="number"
            min={0}
            max={64}
            value={settings.threads}
            onChange={(e) => void save({ threads: Number(e.target.value) })}
          />
        </label>
      </section>
      <section className="card">
        <h2>Troubleshooting</h2>
        <button
          className="button"
          data-testid="open-log-folder"
          onClick={() =>
            void api['system.openLogFolder']({}).then(
              (r) => useStore.getState().notify('info', `Log folder: ${r.path}`),
              (error: unknown) => useStore.getState().notify('error', errorText(error)),
            )
          }
        >
          Open log folder
        </button>
      </section>
      <section className="card">
        <h2>Output</h2>
        <label className="field">
          <span className="field-label">Output folder</span>
          <input
            type="text"
            value={settings.outputDir}
            onChange={(e) => void save({ outputDir: e.target.value })}
          />
        </label>
        <label className="field">
          <span className="field-label">
            File names ({'{name}'}, {'{ext}'}, {'{model}'})
          </span>
          <input
            type="text"
            value={settings.naming}
            onChange={(e) => e.target.value && void save({ naming: e.target.value })}
          />
        </label>
      </section>
      <section className="card">
        <h2>Tokens</h2>
        <label className="check">
          <input
            type="checkbox"
            data-testid="confirm-spending"
            checked={settings.confirmSpending}
            onChange={(e) => void save({ confirmSpending: e.target.checked })}
          />
          Ask before a run that uses more than one token or free generation (shows the cost and what is left)
        </label>
      </section>
      <ModelsPage />
      <section className="card">
        <h2>Privacy</h2>
        <label className="field">
          <span className="field-label">Keep results for (days, pinned items are kept)</span>
          <input
            type="number"
            min={1}
            max={3650}
            value={settings.retentionDays ?? 7}
            onChange={(e) => void save({ retentionDays: Number(e.target.value) })}
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.privacyMode}
            onChange={(e) => void save({ privacyMode: e.target.checked })}
          />
          Privacy mode: never keep my original photos (results cannot be regenerated)
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.analytics}
            onChange={(e) => void save({ analytics: e.target.checked })}
          />
          Share anonymous usage statistics (off by default; nothing is sent today)
        </label>
      </section>
      <section className="card">
        <h2>Developer</h2>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.developerModels}
            onChange={(e) => void showDevelopmentModels(e.target.checked)}
          />
          Show development-only models (not licensed for commercial use; for testing)
        </label>
      </section>
      <section className="card">
        <h2>Appearance</h2>
        <div className="segmented small">
          {(['system', 'light', 'dark'] as const).map((t) => (
            <button
              key={t}
              className={settings.theme === t ? 'active' : ''}
              onClick={() => void save({ theme: t })}
            >
              {t[0]?.toUpperCase() + t.slice(1)}
            </button>
          ))}
        </div>
      </section>
      <section className="card">
        <h2>About</h2>
        <p className="muted">Atelier {info.version}. Models and their licences:</p>
        <ul className="credits">
          {info.models
            .filter((m) => m.installed)
            .map((m) => (
              <li key={m.id}>
                <strong>{m.name}</strong> · {m.license}
                {m.attribution ? ` · ${m.attribution}` : ''}
              </li>
            ))}
        </ul>
        <p className="muted">Profile folder: {info.profileDir}</p>
      </section>
    </div>
  );
}
