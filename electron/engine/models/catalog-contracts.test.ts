/**
 * The catalog models (IS-Net, BiRefNet lite, Silueta, U²-Net) are 44–220 MB and cannot be fetched
 * here, so each manifest entry's tensor contract is proven with a tiny generated ONNX model that
 * follows it exactly (input size and name, normalisation, output activation): the real matte stages
 * turn a white square on black into a mask of that square.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../imaging/raw';
import { inferMatte, preprocessForMatte } from '../matte';
import { channelMeanModel } from '../testing/style-onnx';
import { defaultModelsDir, ModelRegistry } from './registry';
import { ModelSessions } from './sessions';
import { tensorToMask } from './tensor';

const CATALOG = ['isnet-general-use', 'birefnet-general-lite', 'silueta', 'u2net'];
const manifest = JSON.parse(readFileSync(path.join(defaultModelsDir(), 'manifest.json'), 'utf8')) as {
  models: { id: string; input: { name: string | null; size: { width: number; height: number } } }[];
};

/** The real entries, each pointed at a generated stand-in that follows its contract. */
const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-catalog-'));
const entries = CATALOG.map((id) => {
  const real = manifest.models.find((m) => m.id === id);
  if (!real) throw new Error(`catalog model ${id} is missing from models/manifest.json`);
  const { width, height } = real.input.size;
  const weights = channelMeanModel(real.input.name ?? 'input', 'mask', height, width);
  const file = `${id}.test.onnx`;
  writeFileSync(path.join(dir, file), weights);
  const sha256 = createHash('sha256').update(weights).digest('hex');
  return { ...real, file, sha256, md5: undefined, bytes: weights.length, url: null };
});
writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: 1, models: entries }));
const sessions = new ModelSessions(new ModelRegistry(dir));
afterAll(() => sessions.dispose());

/** 400×300 black photo with a white square in the middle third. */
function squarePhoto(): RawImage {
  const width = 400;
  const height = 300;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 100; y < 200; y++) data.fill(255, (y * width + 133) * 3, (y * width + 266) * 3);
  return { data, width, height, channels: 3 };
}

describe('catalog contracts', () => {
  for (const id of CATALOG) {
    it(`${id}: input size, name and normalisation as the manifest says; the subject comes out`, async () => {
      const model = await sessions.load(id, 'cpu');
      const input = await preprocessForMatte(squarePhoto(), model.entry);
      const size = manifest.models.find((m) => m.id === id)!.input.size;
      expect([input.width, input.height]).toEqual([size.width, size.height]);
      const mask = await inferMatte(model, input);
      const at = (fx: number, fy: number) =>
        mask.data[Math.floor(fy * mask.height) * mask.width + Math.floor(fx * mask.width)]!;
      expect(at(0.5, 0.5)).toBeGreaterThan(240); // the square
      expect(at(0.1, 0.1)).toBeLessThan(15); // the background
    });
  }

  it('birefnet-general-lite outputs logits: its contract applies a sigmoid before min-max', () => {
    const entry = entries.find((e) => e.id === 'birefnet-general-lite') as unknown as {
      output: Parameters<typeof tensorToMask>[3];
    };
    expect(entry.output).toMatchObject({ activation: 'sigmoid', normalize: 'minmax' });
    // Without min-max the sigmoid alone is visible: logits −10, 0, 10 → 0, 127, 254 (truncated, as rembg does).
    const plain = tensorToMask(new Float32Array([-10, 0, 10]), 3, 1, { ...entry.output, normalize: 'none' });
    expect([...plain]).toEqual([0, 127, 254]);
  });
});
