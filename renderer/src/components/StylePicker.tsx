/**
 * The Stylize "Look" picker: each look by its name with a small preview, rendered once from one
 * sample photo by scripts/style-previews.ts (so designers choose by eye, not by model file names).
 * Lists what system.info lists: development-only models appear only with the developer setting.
 */
import { useStore } from '../store';

const previews = import.meta.glob<string>('../assets/looks/*.webp', {
  eager: true,
  query: '?url',
  import: 'default',
});
const previewOf = (id: string): string | undefined => previews[`../assets/looks/${id}.webp`];

export function StylePicker({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  // Select the stable `info` object and filter here: a selector returning a new array each time
  // would make zustand re-render forever.
  const info = useStore((s) => s.info);
  const looks = info?.models.filter((m) => m.task === 'style') ?? [];
  return (
    <div className="look-picker" role="radiogroup" aria-label="Look">
      {looks.map((m) => {
        const preview = previewOf(m.id);
        return (
          <button
            key={m.id}
            type="button"
            role="radio"
            aria-checked={value === m.id}
            className={`look${value === m.id ? ' active' : ''}`}
            disabled={!m.installed}
            title={m.installed ? `${m.name} · ${m.license}` : `${m.name} is not installed`}
            onClick={() => onChange(m.id)}
          >
            {preview ? <img src={preview} alt="" /> : <span className="look-blank" aria-hidden />}
            <span className="look-name">{m.name}</span>
          </button>
        );
      })}
    </div>
  );
}
