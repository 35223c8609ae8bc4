import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../../testing/fixtures';
import { Store } from '../store';
import { smallPhoto } from './helpers';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

// Regenerate runs the real engine (u2netp on CPU). An engine that fails to import fails this file.
await import('../../engine');

describe('atelier history regenerate', () => {
  it('runs the stored original again with changed params and links the new item to its source', async () => {
    const p = tempDir('atelier-regen-profile-');
    const o = tempDir('atelier-regen-out-');
    cleanups.push(p.cleanup, o.cleanup);
    const store = Store.open({ database: path.join(p.dir, 'atelier.db') });
    const photo = await smallPhoto(160);
    const source = await store.recordGeneration({
      operation: 'cutout',
      params: { model: 'u2netp', edges: 'soft', format: 'png', refine: false },
      model: 'u2netp',
      provider: 'cpu',
      status: 'done',
      inputName: 'car-1.jpg',
      input: { bytes: photo },
      output: { bytes: photo },
    });
    store.close();

    const out = path.join(o.dir, 'again.png');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(repoRoot, 'electron/engine/cli.ts'),
        'history',
        'regenerate',
        String(source.id),
        '--out',
        out,
        '--set',
        'edges=hard',
        '--json',
        '--profile',
        p.dir,
      ],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(r.stderr).not.toMatch(/atelier:/);
    expect(r.status).toBe(0);
    const row = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
      id: number;
      sourceGenerationId: number;
      params: { edges: string; refine: boolean };
      model: string;
      status: string;
    };
    expect(row.sourceGenerationId).toBe(source.id);
    expect(row.params.edges).toBe('hard');
    expect(row.params.refine).toBe(false); // kept from the source
    expect(row.model).toBe('u2netp');
    const meta = await sharp(readFileSync(out)).metadata();
    expect(meta.hasAlpha).toBe(true);
    expect(meta.width).toBe(160);

    const again = Store.open({ database: path.join(p.dir, 'atelier.db') });
    try {
      const item = again.getGeneration(row.id);
      expect(item.inputImageId).toBe(source.inputImageId); // the same original, deduplicated
      expect(again.image(item.outputImageId ?? -1).bytes.equals(readFileSync(out))).toBe(true);
    } finally {
      again.close();
    }
  }, 120_000);
});
