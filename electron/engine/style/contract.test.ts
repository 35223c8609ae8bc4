import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AtelierError } from '../errors';
import { ModelRegistry } from '../models/registry';
import { ModelSessions } from '../models/sessions';
import { tempDir } from '../testing/fixtures';
import { stylizeImage } from './stylize';

// A custom models folder holding a copy of the bundled style model under entries that lie about it.
const bundled = new ModelRegistry();
const facepaint = bundled.get('anime-facepaint');
const custom = tempDir('atelier-style-contract-');
copyFileSync(facepaint.path, path.join(custom.dir, 'copy.onnx'));

type Entry = typeof facepaint.entry;
const variant = (id: string, change: (e: Entry) => Entry): Entry =>
  change({ ...facepaint.entry, id, file: 'copy.onnx' });
const input = facepaint.entry.input;
writeFileSync(
  path.join(custom.dir, 'manifest.json'),
  JSON.stringify({
    version: 1,
    models: [
      variant('wrong-size', (e) => ({ ...e, input: { ...input, size: { width: 512, height: 512 } } })),
      variant('wrong-input-name', (e) => ({ ...e, input: { ...input, name: 'image' } })),
      variant('wrong-layout', (e) => ({ ...e, input: { ...input, layout: 'NHWC' } })),
      variant('wrong-dynamic', (e) => ({ ...e, input: { ...input, size: 'dynamic' } })),
      variant('good-copy', (e) => e),
    ],
  }),
);
const sessions = new ModelSessions(new ModelRegistry(bundled.modelsDir, custom.dir), { intraOpThreads: 2 });
afterAll(async () => {
  await sessions.dispose();
  custom.cleanup();
});

const image = { data: Buffer.alloc(64 * 48 * 3, 120), width: 64, height: 48, channels: 3 as const };

async function contractError(model: string): Promise<AtelierError> {
  const error = await stylizeImage(image, { model }, sessions).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AtelierError);
  expect((error as AtelierError).code).toBe('MODEL_CONTRACT');
  expect((error as AtelierError).hint).toBeTruthy();
  return error as AtelierError;
}

describe('a style model whose manifest entry does not match its file', () => {
  it('wrong input size names the model and both sizes', async () => {
    const e = await contractError('wrong-size');
    expect(e.message).toMatch(/"wrong-size".*512×512.*256×256/);
    expect(e.hint).toMatch(/"width":256/);
  });

  it('wrong input name lists the real one', async () => {
    const e = await contractError('wrong-input-name');
    expect(e.message).toMatch(/"wrong-input-name".*"image".*data/);
  });

  it('wrong layout says where the colour channels are expected', async () => {
    const e = await contractError('wrong-layout');
    expect(e.message).toMatch(/"wrong-layout".*NHWC/);
  });

  it('dynamic size declared for a fixed-size file', async () => {
    const e = await contractError('wrong-dynamic');
    expect(e.message).toMatch(/"wrong-dynamic".*dynamic.*256×256/);
  });

  it('the same file under a correct entry works (the check is not over-strict)', async () => {
    const result = await stylizeImage(image, { model: 'good-copy' }, sessions);
    expect(result.image.width).toBe(64);
  });
});
