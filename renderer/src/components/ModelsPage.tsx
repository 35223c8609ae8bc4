/**
 * Settings ▸ Models: every model a designer may use, with its size, licence, what it is good at and
 * how fast it ran on this computer; Install (progress, Cancel) and Remove. Installs run in the engine
 * and report `models.progress`; the pickers (cut-out model, looks) read system.info, refreshed here
 * when a model arrives or goes.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ModelInfo, ModelProgressEvent } from '../../../electron/engine/api/contract';
import { api, errorText } from '../api/client';
import { modelErrorText } from '../model-errors';
import { useStore } from '../store';
import './models.css';

export const megabytes = (bytes: number | null): string =>
  bytes === null ? 'size not published' : `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;

/** The manifest's name without "download on demand": the Install button already says so. */
export const displayName = (m: ModelInfo): string =>
  m.name.replace(/,\s*download on demand\)/, ')').replace(/\s*\(download on demand\)/, '');

/** "~420 ms per photo on CPU" from what was measured here, or say that nothing was. */
export function speedText(model: ModelInfo, providerLabel: (id: string) => string): string {
  if (!model.speed) return 'speed: not measured yet';
  const { ms, provider } = model.speed;
  const time = ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
  return `~${time} per photo on ${providerLabel(provider)}`;
}

const TASKS: { task: ModelInfo['task']; title: string; note: string }[] = [
  {
    task: 'matte',
    title: 'Cut-out models',
    note: 'Larger models follow hair, fur and fine edges better, and take longer per photo.',
  },
  { task: 'style', title: 'Looks', note: 'The painted and anime looks of Stylize.' },
];

async function refreshPickers(): Promise<void> {
  useStore.setState({ info: await api['system.info']({}) });
}

function ModelRow({
  model,
  error,
  onInstall,
  onCancel,
  onRemove,
}: {
  model: ModelInfo;
  error: string | undefined;
  onInstall: () => void;
  onCancel: () => void;
  onRemove: () => void;
}) {
  const info = useStore((s) => s.info);
  const providerLabel = (id: string) => info?.providers.find((p) => p.provider === id)?.label ?? id;
  const progress = model.progress;
  const fraction = progress && progress.total > 0 ? progress.received / progress.total : 0;
  return (
    <li className="model" data-testid="model-row" data-model={model.id}>
      <div className="model-text">
        <div className="model-title">
          <strong>{displayName(model)}</strong>
          {model.installed && <span className="model-tag ok">Installed</span>}
          {!model.commercialUse && <span className="model-tag warn">Development only</span>}
        </div>
        {model.summary && <p className="model-summary">{model.summary}</p>}
        <p className="model-meta">
          {megabytes(model.bytes)} · {model.license} · {speedText(model, providerLabel)}
        </p>
        {model.installing && (
          <div className="model-progress">
            <div
              className="progress"
              role="progressbar"
              aria-label={`Installing ${displayName(model)}`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(fraction * 100)}
            >
              <div className="progress-bar" style={{ width: `${fraction * 100}%` }} />
            </div>
            <span className="queue-status">
              {progress && progress.total > 0 && progress.received >= progress.total
                ? 'Checking the file…'
                : `${megabytes(progress?.received ?? 0)} of ${megabytes(model.bytes)}`}
            </span>
          </div>
        )}
        {error && (
          <p className="model-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="model-actions">
        {model.installing ? (
          <button className="button" onClick={onCancel}>
            Cancel
          </button>
        ) : model.installed ? (
          model.removable ? (
            <button className="button danger" onClick={onRemove}>
              Remove
            </button>
          ) : (
            <span className="muted model-included">Included with Atelier</span>
          )
        ) : (
          <button className="button primary" onClick={onInstall}>
            Install
          </button>
        )}
      </div>
    </li>
  );
}

export function ModelsPage() {
  const [models, setModels] = useState<ModelInfo[] | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const developerModels = useStore((s) => s.settings?.developerModels);

  const load = useCallback(async () => {
    try {
      setModels((await api['models.list']({})).models);
    } catch (error) {
      useStore.getState().notify('error', errorText(error));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load, developerModels]);

  useEffect(
    () =>
      api.on('models.progress', (e: ModelProgressEvent) => {
        setModels(
          (list) =>
            list?.map((m) =>
              m.id !== e.id
                ? m
                : {
                    ...m,
                    installing: e.state === 'downloading' || e.state === 'verifying',
                    progress: { received: e.received, total: e.total },
                  },
            ) ?? list,
        );
        if (e.state === 'failed' && e.error) {
          const error = e.error;
          setErrors((all) => ({ ...all, [e.id]: modelErrorText(error) }));
          // Offline: what was downloaded is kept, and the install starts again when the connection is back.
          if (error.code === 'NETWORK') resumeWhenOnline.add(e.id);
        }
        if (e.state === 'installed' || e.state === 'failed' || e.state === 'cancelled') {
          void load();
          if (e.state === 'installed') void refreshPickers();
        }
      }),
    [load],
  );

  useEffect(() => {
    const resume = () => {
      for (const id of resumeWhenOnline) {
        resumeWhenOnline.delete(id);
        setErrors(({ [id]: _dropped, ...rest }) => rest);
        void api['models.install']({ id }).catch((error: unknown) =>
          setErrors((all) => ({ ...all, [id]: errorText(error) })),
        );
      }
    };
    window.addEventListener('online', resume);
    return () => window.removeEventListener('online', resume);
  }, []);

  const act = async (id: string, call: () => Promise<unknown>) => {
    setErrors(({ [id]: _dropped, ...rest }) => rest);
    try {
      await call();
    } catch (error) {
      setErrors((all) => ({ ...all, [id]: errorText(error) }));
    }
    await load();
  };

  return (
    <section className="card models" aria-labelledby="models-title" data-testid="models">
      <h2 id="models-title">Models</h2>
      <p className="muted">
        Everything runs on this computer. Downloads come from each model&apos;s publisher, or from your
        studio&apos;s own mirror when it has one.
      </p>
      {!models ? (
        <p className="muted">Loading…</p>
      ) : (
        TASKS.map(({ task, title, note }) => {
          const rows = models.filter((m) => m.task === task);
          if (!rows.length) return null;
          return (
            <div key={task} className="model-group">
              <h3>{title}</h3>
              <p className="muted small">{note}</p>
              <ul className="model-list">
                {rows.map((m) => (
                  <ModelRow
                    key={m.id}
                    model={m}
                    error={errors[m.id]}
                    onInstall={() => void act(m.id, () => api['models.install']({ id: m.id }))}
                    onCancel={() => void act(m.id, () => api['models.cancel']({ id: m.id }))}
                    onRemove={() =>
                      void act(m.id, async () => {
                        await api['models.remove']({ id: m.id });
                        await refreshPickers();
                      })
                    }
                  />
                ))}
              </ul>
            </div>
          );
        })
      )}
    </section>
  );
}

/** Installs stopped by a lost connection, started again by the browser's "online" event. */
const resumeWhenOnline = new Set<string>();
