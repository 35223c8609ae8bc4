import { TOKEN_LEGEND } from '../prices';
import { useState } from 'react';
import type { OperationName } from '../../../electron/engine/api/contract';
import { useStore } from '../store';
import { ResultActions } from './ResultActions';
import { StylePicker } from './StylePicker';
import { MattePicker } from './MattePicker';
import { PicturePicker } from '../pictures/PicturePicker';
import { usePictures } from '../pictures/pictures-store';

/**
 * One panel per operation. Cut out holds the whole look of a cut-out — subject edges, background,
 * shadow, canvas, format — so no control needs a photo that was cut out before (the old separate
 * "New background" operation failed on ordinary photos). Composition changes preview live and
 * re-render for free; the Result section says what a change costs.
 */
const OPERATIONS: { id: OperationName; label: string }[] = [
  { id: 'cutout', label: 'Cut out' },
  { id: 'stylize', label: 'Stylize' },
  { id: 'compose', label: 'Reference' },
];

type Rgba = { r: number; g: number; b: number; a: number };
const hex = (c: Rgba | undefined) =>
  c ? `#${[c.r, c.g, c.b].map((v) => v.toString(16).padStart(2, '0')).join('')}` : '#ffffff';
const rgba = (h: string): Rgba => ({
  r: parseInt(h.slice(1, 3), 16),
  g: parseInt(h.slice(3, 5), 16),
  b: parseInt(h.slice(5, 7), 16),
  a: 255,
});
const SOFT_SHADOW = { opacity: 0.5, blur: 18, offsetY: 4, spread: 1.05 };

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
    </label>
  );
}

function Group({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="panel-group">
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** Background, shadow and canvas of a cut-out. */
function BackgroundFields({ op }: { op: OperationName }) {
  const params = useStore((s) => s.params[op]);
  const setParam = useStore((s) => s.setParam);
  const info = useStore((s) => s.info);
  const bg = params.background as
    { type: string; color?: Rgba; stops?: [Rgba, Rgba]; angle?: number; radius?: number } | undefined;
  const kind = bg?.type ?? 'transparent';
  const setBg = (value: unknown) => setParam(op, 'background', value);
  const canvas = params.canvas as { width: number } | undefined;
  const presetId =
    info?.canvasPresets.find((p) => JSON.stringify(p.canvas) === JSON.stringify(canvas))?.id ?? '';
  return (
    <>
      <Field label="Background">
        <select
          data-testid="background-kind"
          value={kind}
          onChange={(e) => {
            const t = e.target.value;
            if (t === 'transparent') setBg(op === 'cutout' ? undefined : { type: 'transparent' });
            if (t === 'color') setBg({ type: 'color', color: { r: 255, g: 255, b: 255, a: 255 } });
            if (t === 'linear')
              setBg({
                type: 'linear',
                stops: [
                  { r: 245, g: 245, b: 247, a: 255 },
                  { r: 210, g: 214, b: 222, a: 255 },
                ],
                angle: 180,
              });
            if (t === 'radial')
              setBg({
                type: 'radial',
                inner: { r: 255, g: 255, b: 255, a: 255 },
                outer: { r: 220, g: 222, b: 228, a: 255 },
              });
            if (t === 'blur') {
              setBg({ type: 'blur', radius: 24 });
              // The photo's own shadows are under the subject already: a contact shadow cannot show.
              setParam(op, 'shadow', undefined);
            }
            // The last picture used, or none yet: the picker below asks for one.
            if (t === 'image') setBg({ type: 'image', path: usePictures.getState().recent[0]?.path ?? '' });
          }}
        >
          <option value="transparent">Transparent</option>
          <option value="color">Solid colour</option>
          <option value="linear">Linear gradient</option>
          <option value="radial">Radial gradient</option>
          <option value="blur">Blurred original</option>
          <option value="image">Image</option>
        </select>
      </Field>
      {kind === 'image' && (
        <PicturePicker
          label="Picture"
          testId="background-picture"
          value={String((bg as { path?: string } | undefined)?.path ?? '')}
          onChange={(picture) => setBg({ type: 'image', path: picture.path })}
        />
      )}
      {kind === 'color' && (
        <Field label="Colour">
          <input
            type="color"
            data-testid="background-color"
            value={hex(bg?.color)}
            onChange={(e) => setBg({ type: 'color', color: rgba(e.target.value) })}
          />
        </Field>
      )}
      {kind === 'linear' && bg?.stops && (
        <div className="field-row">
          <Field label="From">
            <input
              type="color"
              value={hex(bg.stops[0])}
              onChange={(e) => setBg({ ...bg, stops: [rgba(e.target.value), bg.stops?.[1]] })}
            />
          </Field>
          <Field label="To">
            <input
              type="color"
              value={hex(bg.stops[1])}
              onChange={(e) => setBg({ ...bg, stops: [bg.stops?.[0], rgba(e.target.value)] })}
            />
          </Field>
        </div>
      )}
      {kind === 'blur' && (
        <Field label={`Blur radius · ${bg?.radius ?? 24}px`}>
          <input
            type="range"
            min={2}
            max={120}
            value={bg?.radius ?? 24}
            onChange={(e) => setBg({ type: 'blur', radius: Number(e.target.value) })}
          />
        </Field>
      )}
      <h3>Shadow and canvas</h3>
      <label className="check">
        <input
          type="checkbox"
          data-testid="shadow"
          checked={!!params.shadow && kind !== 'blur'}
          disabled={kind === 'blur'}
          onChange={(e) => setParam(op, 'shadow', e.target.checked ? SOFT_SHADOW : undefined)}
        />
        Soft contact shadow
      </label>
      {kind === 'blur' && <p className="shadow-note">A shadow does not show over the blurred photo.</p>}
      <Field label="Canvas">
        <select
          value={presetId}
          onChange={(e) => {
            const preset = info?.canvasPresets.find((p) => p.id === e.target.value);
            setParam(op, 'canvas', preset ? preset.canvas : undefined);
            if (preset && (!bg || bg.type === 'transparent'))
              setBg({ type: 'color', color: { r: 255, g: 255, b: 255, a: 255 } });
          }}
        >
          <option value="">Original size</option>
          {info?.canvasPresets.map((p) => (
            <option key={p.id} value={p.id} title={p.label}>
              {p.id} — {p.canvas.width}×{p.canvas.height}
            </option>
          ))}
        </select>
      </Field>
      {!canvas && (
        <label className="check">
          <input
            type="checkbox"
            checked={params.trim !== undefined}
            onChange={(e) => setParam(op, 'trim', e.target.checked ? 16 : undefined)}
          />
          Crop to the subject{params.trim !== undefined ? ` · ${String(params.trim)}px margin` : ''}
        </label>
      )}
    </>
  );
}

export function OperationPanel() {
  const operation = useStore((s) => s.operation);
  const setOperation = useStore((s) => s.setOperation);
  const params = useStore((s) => s.params[operation]);
  const setParam = useStore((s) => s.setParam);
  const presets = useStore((s) => s.presets);
  const savePreset = useStore((s) => s.savePreset);
  const applyPreset = useStore((s) => s.applyPreset);
  const [presetName, setPresetName] = useState('');
  const set = (key: string) => (value: unknown) => setParam(operation, key, value);

  return (
    <aside className="panel" aria-label="Operation">
      <div className="segmented" role="tablist" aria-label="Operation">
        {OPERATIONS.map((o) => (
          <button
            key={o.id}
            role="tab"
            aria-selected={operation === o.id}
            className={operation === o.id ? 'active' : ''}
            onClick={() => setOperation(o.id)}
          >
            {o.label}
          </button>
        ))}
      </div>
      <div className="panel-body">
        {operation === 'cutout' && (
          <Group title="Subject">
            <Field label="Edges">
              <select
                data-testid="edges"
                value={String(params.edges)}
                onChange={(e) => set('edges')(e.target.value)}
              >
                <option value="soft">Soft (hair, fabric)</option>
                <option value="hard">Hard (products, logos)</option>
              </select>
            </Field>
            <MattePicker value={params.model} onChange={set('model')} />
            <Field label={`Feather · ${String(params.feather ?? 0)}px`}>
              <input
                type="range"
                min={0}
                max={20}
                value={Number(params.feather ?? 0)}
                onChange={(e) => set('feather')(Number(e.target.value))}
              />
            </Field>
            <label className="check">
              <input
                type="checkbox"
                checked={params.refine !== false}
                onChange={(e) => set('refine')(e.target.checked)}
              />
              Refine edges at full resolution{' '}
              <span className="cost-tag" title={TOKEN_LEGEND}>
                token
              </span>
            </label>
            <label
              className="check"
              title="Where the first look is unsure, the model looks again at the mirrored photo: better masks on hard photos, a little slower"
            >
              <input
                type="checkbox"
                data-testid="mask-quality"
                checked={params.maskQuality !== 'fast'}
                onChange={(e) => set('maskQuality')(e.target.checked ? 'best' : 'fast')}
              />
              Second look where the subject is unclear{' '}
              <span className="cost-tag" title={TOKEN_LEGEND}>
                token
              </span>
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={params.decontaminate !== false}
                onChange={(e) => set('decontaminate')(e.target.checked)}
              />
              Remove colour fringes
            </label>
          </Group>
        )}
        {operation === 'cutout' && (
          <Group title="Background">
            <BackgroundFields op="cutout" />
          </Group>
        )}
        {operation === 'stylize' && (
          <>
            <div className="field">
              <span className="field-label">Look</span>
              <StylePicker value={String(params.model)} onChange={set('model')} />
            </div>
            <Field label={`Strength · ${Math.round(Number(params.strength ?? 1) * 100)}%`}>
              <input
                type="range"
                min={0}
                max={100}
                value={Math.round(Number(params.strength ?? 1) * 100)}
                onChange={(e) => set('strength')(Number(e.target.value) / 100)}
              />
            </Field>
            <Field label="Apply to">
              <select value={String(params.mode)} onChange={(e) => set('mode')(e.target.value)}>
                <option value="full">Whole photo</option>
                <option value="subject">Subject only</option>
                <option value="background">Background only</option>
              </select>
            </Field>
            <Field label="Detail">
              <select
                value={String(params.processingSize)}
                onChange={(e) => set('processingSize')(Number(e.target.value))}
              >
                <option value={768}>Draft (768 px)</option>
                <option value={1024}>Standard (1024 px)</option>
                <option value={2048}>Fine (2048 px)</option>
              </select>
            </Field>
          </>
        )}
        {operation === 'compose' && (
          <>
            <PicturePicker
              label="Reference picture"
              testId="reference-picture"
              value={String(params.reference ?? '')}
              onChange={(picture) => set('reference')(picture.path)}
            />
            <Field label="Mode">
              <select value={String(params.mode)} onChange={(e) => set('mode')(e.target.value)}>
                <option value="place">Place product on the reference</option>
                <option value="harmonize">Harmonise colours to the reference</option>
                <option value="backdrop">Backdrop from the reference palette</option>
              </select>
            </Field>
            <Field label={`Harmonise · ${Math.round(Number(params.strength ?? 0.3) * 100)}%`}>
              <input
                type="range"
                min={0}
                max={100}
                value={Math.round(Number(params.strength ?? 0.3) * 100)}
                onChange={(e) => set('strength')(Number(e.target.value) / 100)}
              />
            </Field>
          </>
        )}
        <Field label="Format">
          <select value={String(params.format ?? 'png')} onChange={(e) => set('format')(e.target.value)}>
            <option value="png">PNG (transparency)</option>
            <option value="webp">WebP (transparency, smaller)</option>
            <option value="jpeg">JPEG (flattened)</option>
          </select>
        </Field>
      </div>
      <ResultActions />
      <div className="panel-foot">
        <div className="field-row">
          <input
            type="text"
            placeholder="Preset name"
            value={presetName}
            onChange={(e) => setPresetName(e.target.value)}
            aria-label="Preset name"
          />
          <button
            className="button"
            disabled={!presetName.trim()}
            onClick={() => savePreset(presetName.trim())}
          >
            Save preset
          </button>
        </div>
        {presets.length > 0 && (
          <div className="chips">
            {presets.map((p) => (
              <button
                key={p.name}
                className="chip"
                onClick={() => applyPreset(p)}
                title={`${p.operation} preset`}
              >
                {p.name}
              </button>
            ))}
          </div>
        )}
      </div>
    </aside>
  );
}
