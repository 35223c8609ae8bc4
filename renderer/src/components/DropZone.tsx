import { useRef, useState, type DragEvent } from 'react';
import { useStore } from '../store';
import { Icon } from './icons';

/** Files and folders from the file explorer, paste, or Browse…: in Electron paths, in a browser bytes. */
export function DropZone({ compact }: { compact: boolean }) {
  const addFiles = useStore((s) => s.addFiles);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void addFiles([...e.dataTransfer.files]);
  };

  return (
    <div
      className={`dropzone ${over ? 'over' : ''} ${compact ? 'compact' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      data-testid="dropzone"
    >
      <Icon name="upload" size={compact ? 18 : 32} />
      <div className="dropzone-text">
        <strong>Drop photos or folders</strong>
        {!compact && <span>JPEG, PNG, WebP, AVIF, TIFF, GIF · or paste from the clipboard</span>}
      </div>
      <button className="button" onClick={() => input.current?.click()}>
        Browse…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept="image/*"
        hidden
        data-testid="file-input"
        onChange={(e) => {
          void addFiles([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
    </div>
  );
}
