import { useEffect, useRef, useState, type DragEvent } from 'react';
import type { Picture } from '../../../electron/engine/api/contract';
import { imageUrl } from '../api/client';
import { usePictures } from './pictures-store';
import './pictures.css';

/**
 * A picture for a background or a reference: the chosen one as a thumbnail, "Choose…" (the file
 * chooser; the native dialog in Electron), a drop target, and the recent pictures to pick again.
 */
export function PicturePicker({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  /** The chosen picture's kept path ('' for none). */
  value: string;
  onChange(picture: Picture): void;
  testId: string;
}) {
  const recent = usePictures((s) => s.recent);
  const adding = usePictures((s) => s.adding);
  const load = usePictures((s) => s.load);
  const add = usePictures((s) => s.add);
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const chosen = recent.find((p) => p.path === value);

  useEffect(() => {
    void load();
  }, [load]);

  const take = async (file: File | undefined) => {
    if (!file) return;
    const picture = await add(file);
    if (picture) onChange(picture);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
    void take(e.dataTransfer.files[0]);
  };

  return (
    <div
      className={`picture-picker ${over ? 'over' : ''}`}
      data-testid={testId}
      onDragOver={(e) => {
        e.preventDefault();
        e.stopPropagation();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <span className="field-label">{label}</span>
      <div className="picture-chosen">
        <span className="picture-thumb checker">
          {chosen ? (
            <img src={imageUrl(chosen.imageId, { max: 160 })} alt="" data-testid="picture-thumb" />
          ) : null}
        </span>
        <span className="picture-text">
          {adding ? (
            <>Adding {adding}…</>
          ) : chosen ? (
            <>
              <strong>{chosen.name}</strong>
              <span className="muted">
                {chosen.width}×{chosen.height}
              </span>
            </>
          ) : (
            <span className="muted">Choose a picture, or drop one here</span>
          )}
        </span>
        <button type="button" className="button" onClick={() => input.current?.click()}>
          Choose…
        </button>
        <input
          ref={input}
          type="file"
          accept="image/*"
          hidden
          data-testid={`${testId}-input`}
          onChange={(e) => {
            void take(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
      </div>
      {recent.length > 0 && (
        <div className="picture-recent" aria-label="Recent pictures">
          {recent.map((p) => (
            <button
              key={p.path}
              type="button"
              className={`picture-recent-item ${p.path === value ? 'active' : ''}`}
              title={p.name}
              aria-label={`Use ${p.name}`}
              aria-pressed={p.path === value}
              onClick={() => onChange(p)}
            >
              <img src={imageUrl(p.imageId, { max: 96 })} alt="" />
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
