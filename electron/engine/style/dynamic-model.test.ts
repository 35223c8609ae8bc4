import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../models/registry';
import { ModelSessions } from '../models/sessions';
import { tempDir } from '../testing/fixtures';
import { stylizeImage } from './stylize';
import { gradientImage } from '../testing/style-images';
import { negModel } from '../testing/style-onnx';

// Genericity beyond the installed models: a dynamic-size model (run whole, rounded to multipleOf)
// in NCHW and in NHWC, described only by its manifest entry. With output range [-1, 0], Neg inverts.
const custom = tempDir('atelier-style-dynamic-');
const entries = (['NCHW', 'NHWC'] as const).map((layout) => {
  const file = `invert-${layout.toLowerCase()}.onnx`;
  const model = negModel('pixels', 'painted', layout === 'NCHW' ? ['n', 3, 'h', 'w'] : ['n', 'h', 'w', 3]);
  writeFileSync(path.join(custom.dir, file), model);
  return {
    id: `invert-${layout.toLowerCase()}`,
    name: `Invert (${layout})`,
    task: 'style',
    file,
    sha256: createHash('sha256').update(model).digest('hex'),
    bytes: model.length,
    license: 'test',
    commercialUse: false,
    input: { name: 'pixels', size: 'dynamic', layout, range: [0, 1], multipleOf: 8, maxSide: 4096 },
    output: { name: 'painted', meaning: 'rgb', layout, range: [-1, 0] },
  };
});
writeFileSync(path.join(custom.dir, 'manifest.json'), JSON.stringify({ version: 1, models: entries }));

const registry = new ModelRegistry(undefined, custom.dir);
const sessions = new ModelSessions(registry, { intraOpThreads: 2 });
afterAll(async () => {
  await sessions.dispose();
  custom.cleanup();
});

describe('a dynamic-size style model', () => {
  for (const { id } of entries) {
    it(`${id}: runs whole, in its layout, and comes back at full size`, async () => {
      const img = gradientImage(203, 101);
      const progress: number[] = [];
      const result = await stylizeImage(
        img,
        { model: id, processingSize: 4096, onProgress: (done) => progress.push(done) },
        sessions,
      );
      expect(result.tiles).toBe(1);
      expect(progress).toEqual([1]);
      expect([result.image.width, result.image.height]).toEqual([203, 101]);
      // The model ran at 200×104 (multipleOf 8), so allow resampling error around the exact inverse.
      let error = 0;
      for (let i = 0; i < img.data.length; i++)
        error += Math.abs(result.image.data[i]! - (255 - img.data[i]!));
      expect(error / img.data.length).toBeLessThan(2);
    });
  }
});
