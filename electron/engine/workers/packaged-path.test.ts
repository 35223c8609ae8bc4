import { describe, expect, it } from 'vitest';
import { workerEntry } from './pool';
import { outsideAsar } from './packaged-path';

describe('outsideAsar', () => {
  it('maps a file URL or path inside app.asar to app.asar.unpacked', () => {
    expect(outsideAsar('file:///opt/Atelier/resources/app.asar/dist/electron/main.cjs')).toBe(
      'file:///opt/Atelier/resources/app.asar.unpacked/dist/electron/main.cjs',
    );
    expect(outsideAsar('C:\\Program Files\\Atelier\\resources\\app.asar\\dist\\electron\\main.cjs')).toBe(
      'C:\\Program Files\\Atelier\\resources\\app.asar.unpacked\\dist\\electron\\main.cjs',
    );
    expect(outsideAsar('file:///C:/Program%20Files/Atelier/resources/app.asar/dist/electron/main.cjs')).toBe(
      'file:///C:/Program%20Files/Atelier/resources/app.asar.unpacked/dist/electron/main.cjs',
    );
  });

  it('leaves other paths alone: checkouts, already unpacked files, names that only end in .asar', () => {
    for (const location of [
      'file:///work/atelier/dist/electron/main.cjs',
      'file:///opt/Atelier/resources/app.asar.unpacked/dist/electron/pixel-worker.cjs',
      'file:///opt/Atelier/resources/myapp.asar/dist/main.cjs',
      '/home/me/app.asar-notes/main.cjs',
    ]) {
      expect(outsideAsar(location)).toBe(location);
    }
  });
});

describe('workerEntry', () => {
  it('finds the bundled worker beside the bundle, outside app.asar in a packaged app', () => {
    expect(workerEntry('file:///opt/Atelier/resources/app.asar/dist/electron/main.cjs').filename).toBe(
      'file:///opt/Atelier/resources/app.asar.unpacked/dist/electron/pixel-worker.cjs',
    );
    expect(workerEntry('file:///work/atelier/dist/cli.cjs').filename).toBe(
      'file:///work/atelier/dist/pixel-worker.cjs',
    );
    expect(workerEntry('file:///work/atelier/electron/engine/workers/pool.ts').filename).toBe(
      'file:///work/atelier/electron/engine/workers/pixel-worker.dev.mjs',
    );
  });
});
