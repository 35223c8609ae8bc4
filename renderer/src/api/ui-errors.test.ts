import { describe, expect, it } from 'vitest';
import { SETTINGS_REFUSED_TEXT, uiErrorText, withoutPaths } from './ui-errors';

describe('engine errors as UI text', () => {
  it("a refused setting is one plain sentence, never the engine's list of keys", () => {
    const raw = {
      code: 'USAGE',
      message: 'Unknown cut-out setting "strength"',
      hint: 'use one of model, provider, format, quality, background',
    };
    expect(uiErrorText(raw)).toBe(SETTINGS_REFUSED_TEXT);
    expect(uiErrorText({ code: 'USAGE', message: 'history.chain: params.model: Required' })).toBe(
      SETTINGS_REFUSED_TEXT,
    );
    expect(SETTINGS_REFUSED_TEXT).not.toMatch(/strength|provider|cut-out setting/);
  });

  it('a photo removed from disk after it was dropped: its name and what happened, no path advice', () => {
    expect(
      uiErrorText({
        code: 'NOT_FOUND',
        message: 'Image not found: /home/me/Pictures/shoot/a.jpg',
        hint: 'check the path and spelling',
      }),
    ).toBe('Image not found: a.jpg — it may have been moved or deleted');
  });

  it('names files by their base name, never the staging folder', () => {
    const message =
      '/home/me/.config/Atelier/staging/0b6f3c1e-8a2d-4e0f-9c55-3d1f0a9b7e21/bad.png is not an image (despite its .png name)';
    expect(uiErrorText({ code: 'UNSUPPORTED_FORMAT', message, hint: 'pass a JPEG, PNG file' })).toBe(
      'bad.png is not an image (despite its .png name) — pass a JPEG, PNG file',
    );
    expect(withoutPaths('Cannot save C:\\Users\\me\\Pictures\\out\\car.png (EROFS)')).toBe(
      'Cannot save car.png (EROFS)',
    );
  });

  it('replaces command-line hints with what to do in the app', () => {
    expect(
      uiErrorText({
        code: 'OUTPUT_NOT_WRITABLE',
        message: 'Cannot write to the output folder /mnt/ro/out (it is read-only)',
        hint: 'choose another --out folder or fix its permissions',
      }),
    ).toBe(
      'Cannot write to the output folder out (it is read-only) — choose another folder; your work is still in the history',
    );
    expect(
      uiErrorText({
        code: 'USAGE',
        message: 'a.png has no cut-out',
        hint: 'run `atelier cutout` on it first',
      }),
    ).not.toMatch(/atelier cutout|`/);
  });
});
