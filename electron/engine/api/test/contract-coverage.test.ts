import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine';
import { startServe, type Serving } from '../../serve';
import { events, methods } from '../contract';
import { ApiTestClient, connect } from '../../testing/api-client';
import { fixturePhoto, repoRoot, tempDir } from '../../testing/fixtures';
import { METHOD_EXAMPLES, type ExampleContext } from './method-examples';

// Every method present in the contract at run time is dispatched here through the real WebSocket
// adapter (a method without a row in method-examples.ts fails), and every event is both sent by a host
// or the engine and heard by the renderer.

function sourceFiles(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(full, ext);
    return ext.test(name) && !name.includes('.test.') ? [full] : [];
  });
}
const text = (files: string[]) => files.map((f) => readFileSync(f, 'utf8')).join('\n');

describe('the contract is covered', () => {
  const { dir, cleanup } = tempDir('atelier-coverage-');
  let engine: Engine;
  let serving: Serving;
  let client: ApiTestClient;
  let ctx: ExampleContext;

  beforeAll(async () => {
    const renderer = path.join(dir, 'renderer');
    mkdirSync(renderer);
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Atelier</title>');
    const folder = path.join(dir, 'photos');
    mkdirSync(folder);
    const photo = path.join(folder, 'car.jpg');
    await sharp(fixturePhoto('car-1')).resize(320).jpeg().toFile(photo);
    writeFileSync(path.join(folder, 'notes.txt'), 'not an image');
    const out = path.join(dir, 'out');
    mkdirSync(out); // the API creates only the Settings output folder (finding 3)
    engine = await Engine.open({ profileDir: path.join(dir, 'profile'), provider: 'cpu', billing: 'none' });
    serving = await startServe({ engine, rendererDir: renderer, version: 'test' });
    const origin = serving.url.replace(/\/$/, '');
    client = new ApiTestClient(
      await connect(`${origin.replace('http', 'ws')}/api`, {
        Origin: origin,
        Authorization: `Bearer ${serving.token}`,
      }),
    );
    // A finished generation, for the rows that need a real history item.
    const started = await client.call('batch.start', {
      operation: 'cutout',
      params: {},
      inputs: [photo],
      outputDir: out,
    });
    const { batchId } = started.result as { batchId: string };
    const item = await client.waitForEvent(
      'batch.item',
      (p) => p.batchId === batchId && p.stage === 'finished',
    );
    await client.waitForEvent('batch.progress', (p) => p.batchId === batchId && p.finished === true);
    ctx = { photo, folder, dir: out, generationId: Number(item.generationId), batchId };
  });
  afterAll(async () => {
    client?.ws.close();
    await serving?.close();
    await engine?.close();
    cleanup();
  });

  it('has an example for every method in the contract (add one to method-examples.ts)', () => {
    const missing = Object.keys(methods).filter((m) => !Object.hasOwn(METHOD_EXAMPLES, m));
    const stale = Object.keys(METHOD_EXAMPLES).filter((m) => !Object.hasOwn(methods, m));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it.each(Object.keys(methods))('dispatches %s through the WebSocket adapter', async (name) => {
    const example = METHOD_EXAMPLES[name];
    if (!example) throw new Error(`${name} has no row in electron/engine/api/test/method-examples.ts`);
    const params = typeof example.params === 'function' ? example.params(ctx) : example.params;
    const answer = await client.call(name, params);
    if (example.expect === 'ok') {
      expect(answer.error).toBeUndefined();
      const schema = methods[name as keyof typeof methods].result;
      expect(schema.safeParse(answer.result).success).toBe(true);
    } else {
      expect(answer.error?.code).toBe(example.expect);
      expect(answer.error?.message.length).toBeGreaterThan(5);
    }
  });

  const renderer = text(sourceFiles(path.join(repoRoot, 'renderer', 'src'), /\.tsx?$/));
  const senders = text(sourceFiles(path.join(repoRoot, 'electron'), /\.ts$/));
  it.each(Object.keys(events))('the renderer subscribes to %s, and a host or the engine sends it', (name) => {
    expect(renderer.includes(`api.on('${name}'`), `renderer/src never calls api.on('${name}', …)`).toBe(true);
    const sent = new RegExp(
      `(emit|broadcastEvent|broadcast\\(\\w+,)\\s*\\(?\\s*'${name.replace('.', '\\.')}'`,
    );
    expect(sent.test(senders), `nothing in electron/ sends '${name}'`).toBe(true);
  });
});
