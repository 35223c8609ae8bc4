/**
 * The real handler table over a real engine on a temporary profile, for API tests that drive the
 * engine as the renderer does: `call` a method (a refusal throws with its code), collect the batch
 * events, wait for a one-photo batch to finish. Register `open` and `close` in beforeAll/afterAll.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Engine } from '../engine';
import type { BatchItemEvent } from '../api/contract';
import { createHandlers, dispatch, type HandlerTable } from '../api/handlers';
import { tempDir } from './fixtures';

export interface HandlerTableUnderTest {
  /** The temporary folder (the profile is `profile/` inside it). */
  dir: string;
  /** The output folder, also set as ATELIER_OUTPUT_DIR. */
  out: string;
  events: BatchItemEvent[];
  engine(): Engine;
  call(method: string, params: unknown): Promise<Record<string, unknown>>;
  /** Waits for the batch's one item to finish without an error and returns its history item. */
  finished(batchId: string): Promise<Record<string, unknown>>;
  open(): Promise<void>;
  close(): void;
}

export function handlerTableUnderTest(prefix: string): HandlerTableUnderTest {
  const { dir, cleanup } = tempDir(prefix);
  const out = path.join(dir, 'out');
  const events: BatchItemEvent[] = [];
  let engine: Engine | undefined;
  let table: HandlerTable | undefined;

  const call = async (method: string, params: unknown) => {
    if (!table) throw new Error('handlerTableUnderTest: open() first');
    const answer = await dispatch(table, method, params);
    if (!answer.ok) throw Object.assign(new Error(answer.error.message), answer.error);
    return answer.result as Record<string, unknown>;
  };

  return {
    dir,
    out,
    events,
    call,
    engine: () => {
      if (!engine) throw new Error('handlerTableUnderTest: open() first');
      return engine;
    },
    async finished(batchId) {
      for (let i = 0; i < 600; i++) {
        const e = events.find((x) => x.batchId === batchId && x.status !== 'running');
        if (e) {
          if (e.error) throw new Error(`batch ${batchId} failed: ${e.error.message}`);
          return call('history.get', { id: e.generationId });
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`batch ${batchId} did not finish`);
    },
    async open() {
      mkdirSync(out, { recursive: true });
      process.env.ATELIER_OUTPUT_DIR = out;
      engine = await Engine.open({ profileDir: path.join(dir, 'profile'), provider: 'cpu', billing: 'none' });
      table = createHandlers({
        engine,
        version: 'test',
        emit: (event, payload) => {
          if (event === 'batch.item') events.push(payload as BatchItemEvent);
        },
      });
    },
    close() {
      engine?.close();
      cleanup();
    },
  };
}
