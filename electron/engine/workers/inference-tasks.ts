/**
 * What the inference thread runs (workers/inference.ts): onnxruntime sessions kept under the key the
 * engine gave, run with tensors that arrive and leave as plain typed arrays (a matte model's map leaves
 * as its mask). This module imports onnxruntime and nothing of the pixel work, so the thread starts
 * without loading sharp, zod or the compositor (each pool thread pays those; this one need not).
 */
import type * as Ort from 'onnxruntime-node';
import { AtelierError } from '../errors';
import { loadOrt } from '../models/ort';
import { tensorToMask } from '../models/tensor';
import type { Implementation, InferenceTaskName, WireTensor } from './tasks';

const sessions = new Map<string, Ort.InferenceSession>();

/** Session metadata as plain data (it crosses threads by structured clone). */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));
}

async function run(
  key: string,
  feeds: Record<string, WireTensor>,
  fetches?: string[],
): Promise<Ort.InferenceSession.ReturnType> {
  const ort = await loadOrt();
  const session = sessions.get(key);
  if (!session) throw new Error(`No onnxruntime session ${key} in this thread`);
  const tensors: Record<string, Ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds))
    tensors[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
  return fetches ? session.run(tensors, fetches) : session.run(tensors);
}

export const inferenceImplementations: { [N in InferenceTaskName]: Implementation<N> } = {
  async ortLoad() {
    await loadOrt();
    return {};
  },

  async ortCreate({ key, file, options }) {
    const ort = await loadOrt();
    const session = await ort.InferenceSession.create(file, options);
    sessions.set(key, session);
    return {
      inputNames: [...session.inputNames],
      outputNames: [...session.outputNames],
      inputMetadata: plain(session.inputMetadata),
      outputMetadata: plain(session.outputMetadata),
    };
  },

  async ortRun({ key, feeds, fetches }) {
    const results = await run(key, feeds, fetches);
    const out: Record<string, WireTensor> = {};
    for (const [name, t] of Object.entries(results)) {
      out[name] = { type: t.type, dims: [...t.dims], data: t.data as WireTensor['data'] };
    }
    return out;
  },

  async ortMatte({ key, feeds, output }) {
    const results = await run(key, feeds, [output.name]);
    try {
      const map = results[output.name];
      if (!map || map.type !== 'float32') {
        const { id, file } = output.model;
        throw new AtelierError('MODEL_CONTRACT', `Model "${id}" did not return a float32 "${output.name}"`, {
          hint: 'check the output name and type in its manifest entry',
          file,
        });
      }
      // The map is [1,1,H,W], [1,H,W,1] or [1,H,W]: the first H·W values are the alpha either way.
      return { mask: tensorToMask(map.data as Float32Array, output.width, output.height, output.contract) };
    } finally {
      for (const tensor of Object.values(results)) tensor.dispose();
    }
  },

  async ortRelease({ key }) {
    const session = sessions.get(key);
    sessions.delete(key);
    await session?.release();
    return {};
  },
};
