/**
 * The cut-out's model: the installed matte models (the cutout param `model`), each with its speed
 * here, and the way to Settings ▸ Models for more. Re-reads the list whenever system.info changes
 * (the Models page refreshes it when a model is installed or removed) and when a batch finishes.
 */
import { TOKEN_LEGEND } from '../prices';
import { useEffect, useState } from 'react';
import type { ModelInfo } from '../../../electron/engine/api/contract';
import { api } from '../api/client';
import { useStore } from '../store';
import { displayName, speedText } from './ModelsPage';

const DEFAULT_MODEL = 'u2netp';

export function MattePicker({ value, onChange }: { value: unknown; onChange: (id: string) => void }) {
  const info = useStore((s) => s.info);
  const setView = useStore((s) => s.setView);
  // A finished batch has just measured a model's speed: read the list again then too.
  const finishedBatch = useStore((s) => (s.progress?.finished ? s.progress.batchId : null));
  const [models, setModels] = useState<ModelInfo[]>([]);

  useEffect(() => {
    let live = true;
    api['models.list']({}).then(
      (r) => live && setModels(r.models.filter((m) => m.task === 'matte' && m.installed)),
      () => undefined, // the picker keeps what it had; Settings ▸ Models shows the error
    );
    return () => {
      live = false;
    };
  }, [info, finishedBatch]);

  const selected = typeof value === 'string' && value ? value : DEFAULT_MODEL;
  const current = models.find((m) => m.id === selected);
  const label = (id: string) => info?.providers.find((p) => p.provider === id)?.label ?? id;
  return (
    <div className="field">
      <label className="field-label" htmlFor="matte-model">
        Model{' '}
        <span className="cost-tag" title={TOKEN_LEGEND}>
          token
        </span>
      </label>
      <select
        id="matte-model"
        data-testid="matte-model"
        value={selected}
        onChange={(e) => onChange(e.target.value)}
      >
        {!models.some((m) => m.id === selected) && <option value={selected}>{selected}</option>}
        {models.map((m) => (
          <option key={m.id} value={m.id} title={m.summary ?? undefined}>
            {displayName(m)}
          </option>
        ))}
      </select>
      <span className="muted matte-hint">
        {current?.speed ? `${speedText(current, label)}. ` : ''}Better edges on hair and fur:{' '}
        <button
          type="button"
          className="link-button"
          title="Opens Settings, where models are installed"
          onClick={() => setView('settings')}
        >
          get more models
        </button>
      </span>
    </div>
  );
}
