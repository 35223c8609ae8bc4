import { api, errorText, inElectron } from '../api/client';
import {
  applyRecipe,
  applyToMany,
  canRerender,
  changesFrom,
  copyResult,
  hasUnrenderedChanges,
  revealFile,
  saveResult,
  suggestedName,
} from '../results';
import { useEditor } from '../editor/editor-store';
import { OPERATION_VERBS, resultKind } from '../labels';
import { costOf, FREE_WORDS } from '../prices';
import { useStore } from '../store';
import { Icon } from './icons';

const LABELS: Record<string, string> = {
  model: 'the model',
  refine: 'edge refinement',
  maskQuality: 'second look',
  background: 'background',
  shadow: 'shadow',
  canvas: 'canvas',
  trim: 'crop',
  feather: 'feather',
  edges: 'edges',
  decontaminate: 'colour fringes',
  format: 'format',
};
const label = (keys: string[]) => keys.map((k) => LABELS[k] ?? k).join(', ');

/**
 * The selected result: what the panel's settings would change and what that costs (composition is a
 * free re-render from the stored mask; a model change is a new run and a token), then Save, Save as…,
 * Copy, Show in folder, and "apply these settings" to the batch or the ticked photos.
 */
export function ResultActions() {
  const selected = useStore((s) => s.selected);
  const operation = useStore((s) => s.operation);
  const params = useStore((s) => s.params[s.operation]);
  const recipe = useStore((s) => s.recipe);
  const account = useStore((s) => s.account);
  const settings = useStore((s) => s.settings);
  const notice = useStore((s) => s.notice);
  const queue = useStore((s) => s.queue);
  const checked = useStore((s) => s.checked);
  const notify = useStore((s) => s.notify);
  const saveSettings = useStore((s) => s.saveSettings);
  const chain = useStore((s) => s.chain);
  const info = useStore((s) => s.info);
  // Re-rendered when the brush changes the mask, so Apply and the cost line follow the hand edits.
  useEditor((s) => s.maskChanged);
  if (!selected || selected.status !== 'done') return null;

  const sameOperation = selected.operation === operation;
  const editable = canRerender(selected) && operation === 'cutout';
  const changes = sameOperation ? changesFrom(selected, operation === 'cutout' ? recipe : params) : null;
  const cost = costOf(account, operation);
  const needsRun = !editable || !!changes?.model.length;
  // Every cut-out in the list, and the one shown (opened from History, it may not be in the list).
  const batchIds = [
    ...new Set([
      ...(editable ? [selected.versionOf ?? selected.id] : []),
      ...queue
        .filter((q) => q.item && q.item.operation === 'cutout' && q.item.status === 'done')
        .map((q) => q.item!.versionOf ?? q.item!.id),
    ]),
  ];
  const unapplied = editable && hasUnrenderedChanges(selected, recipe);
  const kind = resultKind(selected, info?.models);
  const nextKind = resultKind(
    { operation, model: typeof params.model === 'string' ? params.model : null, params },
    info?.models,
  );
  const name = suggestedName({ ...selected, params: { ...selected.params, format: recipe.format } });

  const regenerate = async () => {
    try {
      const fresh = await api['history.regenerate']({ id: selected.id, params });
      useStore.getState().openItem(fresh);
      void useStore.getState().refreshAccount();
      notify('info', `Regenerated ${selected.inputName ?? ''} — ${cost}`);
    } catch (error) {
      notify('error', errorText(error));
    }
  };
  const pickFolder = async () => {
    try {
      const { path } = await api['files.pickFolder']({});
      if (path) await saveSettings({ outputDir: path });
    } catch (error) {
      notify('error', errorText(error));
    }
  };

  return (
    <section className="result-actions" aria-label="Result" data-testid="result-actions">
      <h3 data-testid="result-title">
        {selected.inputName ?? `#${selected.id}`}
        <span className="muted" data-testid="result-kind">
          {' '}
          · {kind}
          {selected.versions > 0 ? ` · ${selected.versions + 1} versions` : ''}
        </span>
      </h3>
      {!sameOperation ? (
        <p className="cost-line" data-testid="cost-line">
          {OPERATION_VERBS[operation]} works on this {kind.toLowerCase()} as you see it and makes a new
          result: {cost}.
        </p>
      ) : needsRun ? (
        <p className="cost-line" data-testid="cost-line">
          {changes?.model.length
            ? `Changing ${label(changes.model)} runs the model again: ${cost}.`
            : editable
              ? 'No changes.'
              : selected.operation === 'cutout'
                ? `${selected.rerenderBlockedReason ?? 'This item cannot be re-rendered'} — regenerating costs ${cost}.`
                : `Regenerating with these settings costs ${cost}.`}
        </p>
      ) : (
        <p className="cost-line free" data-testid="cost-line">
          {changes?.composition.length
            ? `Changed: ${label(changes.composition)}: ${FREE_WORDS}.`
            : unapplied
              ? `Changed: touch-up: ${FREE_WORDS}.`
              : `Background, shadow, canvas, trim and format changes: ${FREE_WORDS}.`}
        </p>
      )}
      <div className="action-row">
        {!sameOperation ? (
          <button
            className="button"
            onClick={() => void chain(selected, nextKind)}
            data-testid="chain"
            title="Runs on the result shown; the photo's earlier results stay as they are"
          >
            <Icon name="refresh" /> {OPERATION_VERBS[operation]} this result · {cost}
          </button>
        ) : needsRun ? (
          <button className="button" onClick={() => void regenerate()} data-testid="regenerate">
            <Icon name="refresh" /> Regenerate · {cost}
          </button>
        ) : (
          <button
            className="button"
            disabled={!unapplied}
            onClick={() => void applyRecipe()}
            data-testid="apply"
          >
            <Icon name="check" /> Apply
          </button>
        )}
        <button className="button primary" onClick={() => void saveResult('outputDir')} data-testid="save">
          <Icon name="download" /> Save
        </button>
        <button className="button" onClick={() => void saveResult('dialog')} data-testid="save-as">
          Save as…
        </button>
      </div>
      <div className="action-row">
        <button className="button" onClick={() => void copyResult()} data-testid="copy">
          Copy
        </button>
        {notice?.file && (
          <button className="button" onClick={() => void revealFile(notice.file!)} data-testid="reveal">
            Show in folder
          </button>
        )}
      </div>
      {editable && batchIds.length > 1 && (
        <div className="action-row">
          <button
            className="button"
            onClick={() => void applyToMany(batchIds)}
            data-testid="apply-all"
            title={`Re-renders every cut-out in the list from its mask: ${FREE_WORDS}`}
          >
            Apply to all {batchIds.length}
          </button>
          {checked.length > 0 && (
            <button className="button" onClick={() => void applyToMany(checked)} data-testid="apply-selected">
              Apply to {checked.length} selected
            </button>
          )}
        </div>
      )}
      <p className="save-target muted" data-testid="save-target">
        {inElectron ? (
          <>
            Saves to <span title={settings?.outputDir}>{settings?.outputDir}</span> as <strong>{name}</strong>{' '}
            <button className="link-button" onClick={() => void pickFolder()}>
              Change…
            </button>
          </>
        ) : (
          <>
            Downloads as <strong>{name}</strong>
          </>
        )}
      </p>
    </section>
  );
}
