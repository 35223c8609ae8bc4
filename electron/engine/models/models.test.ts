import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AtelierError } from '../errors';
import { repoRoot, tempDir } from '../testing/fixtures';
import { gpuProviderFor, providerPlan, providerUnavailableReason } from './providers';
import { ModelRegistry } from './registry';
import { loadOrt, ModelSessions } from './sessions';
import { tensorToMask } from './tensor';

const modelsDir = path.join(repoRoot, 'models');
const manifest = JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')) as {
  models: Record<string, unknown>[];
};
const u2netp = manifest.models.find((m) => m.id === 'u2netp')!;

describe('execution providers', () => {
  it('plans the platform GPU first for auto, and never falls back for gpu', () => {
    expect(providerPlan('auto', 'win32')).toEqual(['dml', 'cpu']);
    expect(providerPlan('auto', 'darwin')).toEqual(['coreml', 'cpu']);
    expect(providerPlan('gpu', 'darwin')).toEqual(['coreml']);
    expect(providerPlan('cpu', 'win32')).toEqual(['cpu']);
    expect(gpuProviderFor('linux')).toBe('cuda');
    expect(providerUnavailableReason('dml', 'linux')).toMatch(/only on Windows/);
  });

  it('auto says why the GPU was skipped; cpu has no fallback; gpu without one is a clear error', async () => {
    const sessions = new ModelSessions(new ModelRegistry(modelsDir));
    const auto = await sessions.load('u2netp', 'auto');
    expect(auto.provider.used).toBe('cpu');
    const gpu = gpuProviderFor();
    if (gpu && providerUnavailableReason(gpu)) {
      expect(auto.provider.fallbackReason).toContain(providerUnavailableReason(gpu));
      const error = await sessions.load('u2netp', 'gpu').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AtelierError);
      expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
      expect((error as AtelierError).message).toContain(providerUnavailableReason(gpu));
    } else {
      console.log(`GPU provider ${gpu} is available here: the fallback path is not exercised`);
    }
    const cpu = await sessions.load('u2netp', 'cpu');
    expect(cpu.provider.fallbackReason).toBeUndefined();
    await sessions.dispose();
  });
});

describe('a matte model in the inference thread', () => {
  it('reads its map as a mask there, equal to reading the raw output here', async () => {
    const sessions = new ModelSessions(new ModelRegistry(modelsDir));
    const model = await sessions.load('u2netp', 'cpu');
    const ort = await loadOrt();
    const data = Float32Array.from({ length: 3 * 320 * 320 }, (_, i) => Math.sin(i / 977));
    const feeds = () => ({ [model.inputName]: new ort.Tensor('float32', data, [1, 3, 320, 320]) });
    const raw = (await model.session.run(feeds(), [model.outputName]))[model.outputName]!;
    const expected = tensorToMask(raw.data as Float32Array, 320, 320, model.entry.output);
    const output = {
      model: { id: 'u2netp', file: model.entry.file },
      contract: model.entry.output,
      width: 320,
      height: 320,
    };
    const mask = await model.session.runMatte(feeds(), { ...output, name: model.outputName });
    expect(mask.length).toBe(320 * 320);
    expect(Buffer.from(mask).equals(Buffer.from(expected))).toBe(true);
    await sessions.dispose();
  });
});

describe('model files and custom models', () => {
  const { dir, cleanup } = tempDir('atelier-models-');
  afterAll(cleanup);

  it('refuses a corrupt model (right size, wrong bytes) before onnxruntime sees it', async () => {
    const bad = path.join(dir, 'bad');
    mkdirSync(bad);
    const bytes = readFileSync(path.join(modelsDir, 'u2netp.onnx'));
    bytes[5000] = bytes[5000]! ^ 0xff;
    writeFileSync(path.join(bad, 'u2netp.onnx'), bytes);
    writeFileSync(path.join(bad, 'manifest.json'), JSON.stringify({ version: 1, models: [u2netp] }));
    const error = await new ModelSessions(new ModelRegistry(bad))
      .load('u2netp', 'cpu')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MODEL_CORRUPT' });
    expect((error as AtelierError).message).toContain('sha256');
  });

  it('says how to install a missing model', async () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(path.join(empty, 'manifest.json'), JSON.stringify({ version: 1, models: [u2netp] }));
    const error = await new ModelSessions(new ModelRegistry(empty)).load('u2netp').catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'MODEL_MISSING',
      hint: expect.stringContaining('atelier models install u2netp'),
    });
  });

  it("finds a user's own model in the profile's custom folder", async () => {
    const custom = path.join(dir, 'custom');
    mkdirSync(custom);
    copyFileSync(path.join(modelsDir, 'u2netp.onnx'), path.join(custom, 'my-matte.onnx'));
    writeFileSync(
      path.join(custom, 'manifest.json'),
      JSON.stringify({
        version: 1,
        models: [{ ...u2netp, id: 'my-matte', name: 'My matte', file: 'my-matte.onnx', bundle: false }],
      }),
    );
    const registry = new ModelRegistry(modelsDir, custom);
    expect(registry.get('my-matte').origin).toBe('custom');
    const loaded = await new ModelSessions(registry).load('my-matte', 'cpu');
    expect(loaded.inputName).toBe('input.1');
  });

  it('reports a manifest naming a tensor the file lacks as MODEL_CONTRACT, not a corrupt file', async () => {
    const wrong = path.join(dir, 'wrong-name');
    mkdirSync(wrong);
    copyFileSync(path.join(modelsDir, 'u2netp.onnx'), path.join(wrong, 'u2netp.onnx'));
    const entry = { ...u2netp, input: { ...(u2netp.input as object), name: 'image' } };
    writeFileSync(path.join(wrong, 'manifest.json'), JSON.stringify({ version: 1, models: [entry] }));
    const error = await new ModelSessions(new ModelRegistry(wrong))
      .load('u2netp', 'cpu')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MODEL_CONTRACT' });
    expect((error as AtelierError).message).toContain('no input named "image"');
  });

  it('names the field of an invalid manifest', () => {
    const broken = path.join(dir, 'broken');
    mkdirSync(broken);
    writeFileSync(
      path.join(broken, 'manifest.json'),
      JSON.stringify({ version: 1, models: [{ ...u2netp, sha256: 'xyz' }] }),
    );
    expect(() => new ModelRegistry(broken)).toThrow(/models\.0\.sha256/);
  });
});
