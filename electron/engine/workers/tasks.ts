/**
 * The pixel work the engine hands to its worker pool, as the workers run it: typed arrays in, typed
 * arrays out, each task a thin wrapper over the engine's own functions (matte/, the cut-out compositor,
 * the store's image preparation), never a second copy of them. Every image a task receives comes back
 * in its result, so the caller's buffers, transferred here, are usable again afterwards.
 */
import { createHash } from 'node:crypto';
import type { Stroke } from '../api/contract';
import type { Mask, RawImage } from '../imaging/raw';
import { baseMatte, shapeEdges } from '../matte';
import { applyStrokes } from '../matte/strokes';
import { composeCutout, type CompositionParams } from '../operations/cutout-compose';
import { arrivedImage, asBuffer, ownsBuffer } from './transfer';

/** Reports a fraction (0..1) of the task done to whoever asked for progress. */
export type Progress = (fraction: number) => void;

export interface MaskTaskInput {
  photo: RawImage;
  /** The model's low-resolution mask. */
  low: Mask;
  refine: boolean;
  removeIslands: boolean;
  /** Hard edges and feathering applied after (a finished mask rather than the model's). */
  shape?: { edges: 'soft' | 'hard'; feather: number };
}

export interface ComposeTaskInput {
  photo: RawImage;
  mask: Mask;
  composition: CompositionParams;
}

export interface StrokesTaskInput {
  mask: Mask;
  strokes: Stroke[];
  photo?: RawImage;
}

export interface TaskTypes {
  /** The model's mask at full resolution, refined on the photo (what a cut-out keeps). */
  modelMask: { input: MaskTaskInput; output: { mask: Mask; photo: RawImage } };
  /** modelMask, then the composition on it: a whole cut-out's pixel work in one trip. */
  cutout: {
    input: MaskTaskInput & { composition: CompositionParams };
    output: { mask: Mask; image: RawImage; photo: RawImage };
  };
  /** A stored item re-rendered from its photo and mask. */
  compose: { input: ComposeTaskInput; output: { image: RawImage; photo: RawImage; mask: Mask } };
  /** Hand edits applied to a mask (edge-aware ones follow the photo). */
  strokes: { input: StrokesTaskInput; output: { mask: Mask; base: Mask; photo?: RawImage } };
  /** What the history stores of an image: its sha256 and its Base64 text as ASCII bytes. */
  storeImage: { input: { bytes: Uint8Array }; output: { sha256: string; base64: Uint8Array } };
}

export type TaskName = keyof TaskTypes;
export type TaskInput<N extends TaskName> = TaskTypes[N]['input'];
export type TaskOutput<N extends TaskName> = TaskTypes[N]['output'];

type Implementation<N extends TaskName> = (input: TaskInput<N>, progress: Progress) => Promise<TaskOutput<N>>;

/** Edge-aware strokes are reported in about this many steps (each a few strokes). */
const STROKE_PROGRESS_STEPS = 20;

export const implementations: { [N in TaskName]: Implementation<N> } = {
  async modelMask(input) {
    const photo = arrivedImage(input.photo);
    const mask = await baseMatte(photo, input.low, input);
    return { mask: input.shape ? shapeEdges(mask, input.shape) : mask, photo };
  },

  async cutout(input, progress) {
    const photo = arrivedImage(input.photo);
    const mask = await baseMatte(photo, input.low, input);
    progress(0.5);
    const image = await composeCutout(photo, mask, input.composition);
    return { mask, image, photo };
  },

  async compose(input, progress) {
    const photo = arrivedImage(input.photo);
    progress(0);
    const image = await composeCutout(photo, input.mask, input.composition);
    progress(1);
    return { image, photo, mask: input.mask };
  },

  async strokes(input, progress) {
    const photo = input.photo ? arrivedImage(input.photo) : undefined;
    const step = Math.max(1, Math.ceil(input.strokes.length / STROKE_PROGRESS_STEPS));
    let mask = input.mask;
    for (let i = 0; i < input.strokes.length; i += step) {
      mask = applyStrokes(mask, input.strokes.slice(i, i + step), photo);
      progress(Math.min(1, (i + step) / input.strokes.length));
    }
    // No stroke: the same mask, returned as a copy so `mask` and `base` never share a transferred buffer.
    if (mask === input.mask) mask = { ...mask, data: new Uint8Array(mask.data) };
    return { mask, base: input.mask, ...(photo ? { photo } : {}) };
  },

  async storeImage(input) {
    const bytes = asBuffer(input.bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return { sha256, base64: Buffer.from(bytes.toString('base64'), 'latin1') };
  },
};

/** The buffers a task's result hands back (moved, not copied). */
export function resultBuffers(output: Record<string, unknown>): ArrayBuffer[] {
  const list = new Set<ArrayBuffer>();
  for (const value of Object.values(output)) {
    const data = value instanceof Uint8Array ? value : (value as { data?: unknown } | undefined)?.data;
    // Only views that own their whole buffer move; a slice of a shared one is copied by the clone.
    if (data instanceof Uint8Array && ownsBuffer(data)) list.add(data.buffer as ArrayBuffer);
  }
  return [...list];
}
