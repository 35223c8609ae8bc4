/**
 * onnxruntime sessions held by one inference thread. onnxruntime-node's `session.run` is synchronous
 * on the thread that calls it (its backend only defers it with setImmediate): on the engine's thread a
 * model run held the UI for the whole inference (seconds on a loaded CPU). Here each session lives in a
 * pool thread of its own (one thread, so sessions are created once and every run of a model goes to
 * the thread that holds it) and the engine's thread sees a `ModelSession` that forwards to it, tensors
 * moved by transfer. onnxruntime's intra-op threads still do the arithmetic in parallel.
 */
import type * as Ort from 'onnxruntime-node';
import { loadOrt } from '../models/ort';
import { PixelPool } from './pool';
import type { MatteOutput, WireTensor } from './tasks';

/** What the engine uses of an onnxruntime session, which lives in the inference thread. */
export type ModelSession = Pick<
  Ort.InferenceSession,
  'run' | 'inputNames' | 'outputNames' | 'inputMetadata' | 'outputMetadata' | 'release'
> & {
  /** A matte model's run, its map read as a 0..255 mask in the inference thread (`ortMatte`). */
  runMatte(feeds: Record<string, Ort.Tensor>, output: MatteOutput): Promise<Uint8Array>;
};

/**
 * Feeds as they cross to the inference thread: copied, not moved (a model input is a few MB at most,
 * and a caller may run it twice).
 */
function wireFeeds(feeds: Record<string, Ort.Tensor>): Record<string, WireTensor> {
  const wire: Record<string, WireTensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    wire[name] = { type: t.type, dims: [...t.dims], data: t.data as WireTensor['data'] };
  }
  return wire;
}

let thread: PixelPool | undefined;
let nextKey = 0;

/** The inference thread (started on first use; idle, it never keeps the process alive). */
function inferenceThread(): PixelPool {
  thread ??= new PixelPool(1, { idleTimeout: Infinity, entry: 'inference-worker' });
  return thread;
}

/**
 * Starts the inference thread and loads onnxruntime in it now, ahead of the first session: a CLI
 * command that runs a model calls it before loading its own modules, so both loads share the
 * machine's cores instead of following each other (~0.25 s sooner to the first photo). Never fails:
 * the first session meets any error again and reports it.
 */
export function startInferenceThread(): void {
  inferenceThread()
    .run('ortLoad', {}, [])
    .catch(() => undefined);
}

/** Closes the inference thread after its outstanding runs (the engine's last lease does it). */
export async function closeInferenceThread(): Promise<void> {
  const closing = thread;
  thread = undefined;
  await closing?.close();
}

/** Creates a session for the model file in the inference thread. Errors are onnxruntime's (message kept). */
export async function createRemoteSession(
  file: string,
  options: Ort.InferenceSession.SessionOptions,
): Promise<ModelSession> {
  const key = `${process.pid}:${++nextKey}`;
  const pool = inferenceThread();
  const info = await pool.run('ortCreate', { key, file, options }, []);
  const ort = await loadOrt();
  const run = async (feeds: Record<string, Ort.Tensor>, fetches?: unknown) => {
    const names = Array.isArray(fetches) ? (fetches as string[]) : undefined;
    // The outputs come back by transfer.
    const input = { key, feeds: wireFeeds(feeds), ...(names ? { fetches: names } : {}) };
    const out = await pool.run('ortRun', input, []);
    const results: Record<string, Ort.Tensor> = {};
    for (const [name, t] of Object.entries(out)) {
      results[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
    }
    return results;
  };
  return {
    inputNames: info.inputNames,
    outputNames: info.outputNames,
    inputMetadata: info.inputMetadata as Ort.InferenceSession['inputMetadata'],
    outputMetadata: info.outputMetadata as Ort.InferenceSession['outputMetadata'],
    run: run as ModelSession['run'],
    runMatte: async (feeds, output) =>
      (await pool.run('ortMatte', { key, feeds: wireFeeds(feeds), output }, [])).mask,
    release: async () => {
      await pool.run('ortRelease', { key }, []).catch(() => undefined);
    },
  };
}
