/** Remembers the window's size and position (in the profile), and never restores it off-screen. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { screen, type BrowserWindow, type Rectangle } from 'electron';

const DEFAULT = { width: 1280, height: 800 };

export function loadWindowBounds(profileDir: string): Partial<Rectangle> & { width: number; height: number } {
  try {
    const saved = JSON.parse(readFileSync(path.join(profileDir, 'window-state.json'), 'utf8')) as Rectangle;
    const visible = screen.getAllDisplays().some((d) => {
      const a = d.workArea;
      return (
        saved.x < a.x + a.width &&
        saved.x + saved.width > a.x &&
        saved.y < a.y + a.height &&
        saved.y + saved.height > a.y
      );
    });
    return visible ? saved : { width: saved.width, height: saved.height };
  } catch {
    return DEFAULT;
  }
}

export function trackWindowBounds(window: BrowserWindow, profileDir: string): void {
  const save = () => {
    if (window.isDestroyed() || window.isMinimized()) return;
    writeFileSync(path.join(profileDir, 'window-state.json'), JSON.stringify(window.getNormalBounds()));
  };
  window.on('close', save);
}
