/**
 * The pixel work the engine hands to its worker pool, as the workers run it: typed arrays in, typed
 * arrays out, each task a thin wrapper over the engine's own functions (matte/, the cut-out compositor,
 * the store's image preparation), never a second copy of them. Every image a task receives comes back
 * in its result, so the caller's buffers, transferred here, are usable again afterwards — except the
 * cut-out's photo, which its caller (a batch item's last stage) no longer needs.
 */
import { createHash } from 'node:crypto';
import type * as Ort from 'onnxruntime-node';
import type { Stroke } from '../api/contract';
import type { Mask, RawImage } from '../imaging/raw';
import { baseMatte, shapeEdges } from '../matte';
import { applyStrokes } from '../matte/strokes';
import { composeOnBackground, type BackgroundSpecs } from '../compose/on-background';
import { composeCutout, prepareSubject, type CompositionParams } from '../operations/cutout-compose';
import { composeWithReference, type ReferenceComposition } from '../operations/reference-compose';
import { decodeImageBuffer, readImageFile, type DecodedImage } from '../imaging/decode';
import { MIME_BY_FORMAT } from '../imaging/mime';
import { decodeMaskPng, encodeMaskPng, type EncodedMask } from '../imaging/mask-png';
import { preprocessForMatte, type MatteInput } from '../matte/model-stages';
import type { ModelEntry, TensorOutput } from '../models/manifest';
import type { RecordTaskInput } from '../store/record-in-thread';
import type { GenerationRow } from '../store/types';
import { finishStyled, styleInput, type StyledFinish } from '../style/style-stages';
import { encodeOutput, type OutputEncoding } from '../operations/write-output';
import { arrivedImage, asBuffer, sharedCopy, transferableCopy } from './transfer';
import { prepareScratch, recycle, releaseScratch } from '../compose/core/scratch';
import { thumbnailOfPixels } from '../imaging/thumbnail';

/** The photo's colour profile and EXIF as the encoder takes them (a clone drops Buffer's methods). */
function encodingSource(encoding: OutputEncoding): { icc?: Buffer; exif?: Buffer } {
  return {
    ...(encoding.icc ? { icc: asBuffer(encoding.icc) } : {}),
    ...(encoding.exif ? { exif: asBuffer(encoding.exif) } : {}),
  };
}

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
  /** The photo and mask by content (their stored sha256s): the thread may reuse its subject layer. */
  sourceKey?: string;
}

export interface StrokesTaskInput {
  mask: Mask;
  strokes: Stroke[];
  photo?: RawImage;
}

/** A tensor as it crosses threads (an onnxruntime Tensor's fields; rebuilt on arrival). */
export interface WireTensor {
  type: string;
  dims: number[];
  data:
    | Float32Array
    | Uint8Array
    | Int32Array
    | BigInt64Array
    | Float64Array
    | Int8Array
    | Uint16Array
    | Int16Array;
}

/** Which output holds a matte model's alpha map, how to read it, and at what size. */
export interface MatteOutput {
  /** The model, for messages: its catalogue id and file. */
  model: { id: string; file: string };
  name: string;
  contract: TensorOutput;
  width: number;
  height: number;
}

export interface DecodeTaskInput {
  /** The file to read, or the bytes of an image (from the history) named `name`. */
  file?: string;
  bytes?: Uint8Array;
  name?: string;
  maxPixels: number;
  /** Also resize for this model and make its input tensor (decodeForMatte). */
  model?: ModelEntry;
  /** Also make what the history stores of the file (`OriginalForm`): the item will be recorded. */
  keepOriginal?: boolean;
  /**
   * A render of this photo follows (the editor opened it): while decoding, make this thread's memory
   * ready for the layers it will paint (`count` RGBA layers of `bytes`).
   */
  renderLayers?: { bytes: number; count: number };
}

/** An input file as the history stores it, made where it was read and decoded. */
export interface OriginalForm {
  bytes: Uint8Array;
  mime: string;
  width: number;
  height: number;
  thumbnail: Uint8Array;
  stored: StoredForm;
}

export interface TaskTypes {
  /** A photo decoded (and, with `model`, its model input made), its pixels in memory that can move. */
  decode: {
    input: DecodeTaskInput;
    output: { decoded: DecodedImage; matteInput?: MatteInput; original?: OriginalForm };
  };
  /** A stored mask PNG decoded, its pixels in memory that can move. */
  decodeMask: { input: { bytes: Uint8Array; name: string }; output: { mask: Mask } };
  /** The model's mask at full resolution, refined on the photo (what a cut-out keeps). */
  modelMask: { input: MaskTaskInput; output: { mask: Mask; photo: RawImage } };
  /**
   * modelMask, then the composition on it, encoded: a whole cut-out's pixel work in one trip. The
   * output file's bytes and the mask's PNG come back instead of ~100 MB of pixels at 12 MP, which the
   * engine's thread would only hand to sharp and then collect, each with what the history stores of
   * it (thumbnail, sha256, Base64): made here from the pixels, not from the file decoded again.
   */
  cutout: {
    input: MaskTaskInput & { composition: CompositionParams; encoding: OutputEncoding };
    output: { output: EncodedPicture & { stored: StoredForm }; mask: EncodedMask & { stored: StoredForm } };
  };
  /**
   * A stored item re-rendered from its photo and mask, encoded with its History thumbnail: the
   * picture's pixels (96 MB at 24 MP) stay in the worker, whose next render reuses their memory.
   */
  compose: {
    input: ComposeTaskInput & { encoding: OutputEncoding };
    output: { output: EncodedPicture & { stored: StoredForm }; photo: RawImage; mask: Mask };
  };
  /**
   * The subject layer a render of this photo and mask will draw, made ahead and kept on this thread
   * (the editor opened the item); the photo and mask come back.
   */
  subject: { input: ComposeTaskInput & { sourceKey: string }; output: { photo: RawImage; mask: Mask } };
  /** A cut-out (RGBA) on a new background, shadow and canvas (the background operation). */
  background: {
    input: { subject: RawImage; spec: BackgroundSpecs };
    output: { image: RawImage; subject: RawImage };
  };
  /** The compose operation's picture: the cut-out with a reference picture (placed, harmonised, backdrop). */
  /** A photo's colour at the size a style model paints at. */
  styleInput: {
    input: { image: RawImage; size: { width: number; height: number } };
    output: { image: RawImage };
  };
  /** A style model's painting back at the photo's size with its detail, blended by strength and mask. */
  styleFinish: { input: StyledFinish; output: { image: RawImage } };
  referenceCompose: {
    input: { photo: RawImage; mask: Mask; reference: RawImage; composition: ReferenceComposition };
    output: { image: RawImage; photo: RawImage };
  };
  /** Hand edits applied to a mask (edge-aware ones follow the photo). */
  strokes: { input: StrokesTaskInput; output: { mask: Mask; base: Mask; photo?: RawImage } };
  /** What the history stores of an image: its sha256 and its Base64 text as ASCII bytes. */
  storeImage: { input: { bytes: Uint8Array }; output: StoredForm };
  /** Stored Base64 (ASCII bytes) decoded to the image's bytes. */
  fromBase64: { input: { base64: Uint8Array }; output: { bytes: Uint8Array } };
  /** A history record written in one transaction on this thread's own connection (store/record-in-thread.ts). */
  record: { input: RecordTaskInput; output: { generation: GenerationRow } };
  /** Nothing: a thread started (its modules loaded) before the first real task needs one. */
  warm: { input: Record<string, never>; output: Record<string, never> };
  /** onnxruntime loaded in the inference thread ahead of its first session (`startInferenceThread`). */
  ortLoad: { input: Record<string, never>; output: Record<string, never> };
  /** An onnxruntime session created in the inference thread, kept there under `key`. */
  ortCreate: {
    input: { key: string; file: string; options: Ort.InferenceSession.SessionOptions };
    output: { inputNames: string[]; outputNames: string[]; inputMetadata: unknown; outputMetadata: unknown };
  };
  ortRun: {
    input: { key: string; feeds: Record<string, WireTensor>; fetches?: string[] };
    output: Record<string, WireTensor>;
  };
  /**
   * A matte model's run with its alpha map read as a 0..255 mask where the tensor is (tensorToMask):
   * a 100 KB mask comes back instead of the float map, and the engine's thread allocates neither.
   */
  ortMatte: {
    input: {
      key: string;
      feeds: Record<string, WireTensor>;
      output: MatteOutput;
    };
    output: { mask: Uint8Array };
  };
  ortRelease: { input: { key: string }; output: Record<string, never> };
}

/** What the history stores of an image: its sha256 and its Base64 text as ASCII bytes (shared memory). */
export interface StoredForm {
  sha256: string;
  base64: Uint8Array;
}

/**
 * The stored form of `bytes`, its Base64 written straight into shared memory: the engine's thread
 * only passes it on to the record (workers/transfer.ts says why shared).
 */
function storedForm(bytes: Buffer): StoredForm {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const text = bytes.toString('base64');
  const base64 = Buffer.from(new SharedArrayBuffer(text.length));
  base64.write(text, 'latin1');
  return { sha256, base64 };
}

/**
 * What the history stores of an input file, from its bytes and its decoded pixels: the record then
 * neither reads the file again nor decodes it for its size and thumbnail (oriented, as displayed).
 */
async function originalForm(file: Buffer, decoded: DecodedImage): Promise<OriginalForm> {
  const { width, height } = decoded.image;
  return {
    bytes: sharedCopy(file),
    mime: MIME_BY_FORMAT[decoded.format] ?? `image/${decoded.format}`,
    width,
    height,
    thumbnail: await thumbnailOfPixels(decoded.image.data, decoded.image),
    stored: storedForm(file),
  };
}

/** A picture as a task hands it back: the file's bytes, its size and its History thumbnail. */
export interface EncodedPicture {
  bytes: Uint8Array;
  width: number;
  height: number;
  thumbnail: Uint8Array;
}

export type TaskName = keyof TaskTypes;
export type TaskInput<N extends TaskName> = TaskTypes[N]['input'];
export type TaskOutput<N extends TaskName> = TaskTypes[N]['output'];

export type Implementation<N extends TaskName> = (
  input: TaskInput<N>,
  progress: Progress,
) => Promise<TaskOutput<N>>;

/** Edge-aware strokes are reported in about this many steps (each a few strokes). */
const STROKE_PROGRESS_STEPS = 20;

/** The tasks the inference thread runs (inference-tasks.ts); every other task runs in the pixel pool. */
export type InferenceTaskName = 'ortLoad' | 'ortCreate' | 'ortRun' | 'ortMatte' | 'ortRelease';
export type PixelTaskName = Exclude<TaskName, InferenceTaskName>;

export const implementations: { [N in PixelTaskName]: Implementation<N> } = {
  async decode(input) {
    const bytes = input.file ? await readImageFile(input.file) : asBuffer(input.bytes ?? new Uint8Array());
    const name = input.file ?? input.name ?? 'image';
    // While libvips decodes on its own threads, this one brings in the render's memory; the render
    // lands here too (an idle pool gives its next task to its first thread, as the subject layer's).
    const ready = input.renderLayers
      ? prepareScratch(input.renderLayers.bytes, input.renderLayers.count)
      : undefined;
    let decoded: DecodedImage;
    try {
      decoded = await decodeImageBuffer(bytes, name, { maxPixels: input.maxPixels });
    } finally {
      // Even when the decode fails: an idle pool thread blocks, and would leave the paging half done.
      await ready;
    }
    const [matteInput, original] = await Promise.all([
      input.model ? preprocessForMatte(decoded.image, input.model) : undefined,
      input.file && input.keepOriginal ? originalForm(bytes, decoded) : undefined,
    ]);
    // sharp's buffers live outside V8's heap and cannot be transferred (a send would copy 72 MB at
    // 24 MP on the engine's thread): one copy here, into shared memory, which passes through the
    // engine's thread to the cut-out without weighing on its garbage collector (transfer.ts).
    decoded.image = { ...decoded.image, data: sharedCopy(decoded.image.data) };
    return { decoded, ...(matteInput ? { matteInput } : {}), ...(original ? { original } : {}) };
  },

  async decodeMask({ bytes, name }) {
    const mask = await decodeMaskPng(asBuffer(bytes), name);
    return { mask: { ...mask, data: transferableCopy(asBuffer(mask.data)) } };
  },

  async modelMask(input) {
    const photo = arrivedImage(input.photo);
    const mask = await baseMatte(photo, input.low, input);
    return { mask: input.shape ? shapeEdges(mask, input.shape) : mask, photo };
  },

  async cutout({ encoding, ...input }, progress) {
    const photo = arrivedImage(input.photo);
    const mask = await baseMatte(photo, input.low, input);
    progress(0.5);
    const image = await composeCutout(photo, mask, input.composition);
    const [bytes, thumbnail, encodedMask] = await Promise.all([
      encodeOutput(image, encoding, encodingSource(encoding)),
      thumbnailOfPixels(image.data, image),
      encodeMaskPng(mask),
    ]);
    const { width, height } = image;
    // A batch's photos come in every size: memory kept for the next one grew a 100-photo batch's
    // peak RSS (1.4 → 1.7–2.3 GB over the batch, flat without): a cut-out keeps none of it. Re-renders
    // (the compose task) keep theirs, for the same photo again.
    releaseScratch();
    // sharp's buffers cannot be transferred: one copy here (shared: the bytes go on to the history).
    return {
      output: { bytes: sharedCopy(bytes), width, height, thumbnail, stored: storedForm(bytes) },
      mask: {
        ...encodedMask,
        bytes: transferableCopy(encodedMask.bytes),
        stored: storedForm(encodedMask.bytes),
      },
    };
  },

  async subject(input) {
    const photo = arrivedImage(input.photo);
    prepareSubject(photo, input.mask, input.composition, input.sourceKey);
    return { photo, mask: input.mask };
  },

  async background({ subject, spec }) {
    const arrived = arrivedImage(subject);
    return { image: await composeOnBackground(arrived, spec), subject: arrived };
  },

  async compose({ encoding, ...input }, progress) {
    const photo = arrivedImage(input.photo);
    progress(0);
    const image = await composeCutout(photo, input.mask, input.composition, input.sourceKey);
    progress(0.75);
    const [bytes, thumbnail] = await Promise.all([
      encodeOutput(image, encoding, encodingSource(encoding)),
      thumbnailOfPixels(image.data, image),
    ]);
    // What the history stores of it, made here: no second trip of the file's bytes through the pool.
    const stored = storedForm(bytes);
    // The photo and mask go back to the caller; the picture (unless it is one of them: a mask-only
    // render of an unshaped mask) serves the next render's memory.
    if (image.data.buffer !== photo.data.buffer && image.data.buffer !== input.mask.data.buffer)
      recycle(image.data);
    progress(1);
    const output = { bytes: sharedCopy(bytes), thumbnail, width: image.width, height: image.height, stored };
    return { output, photo, mask: input.mask };
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

  async warm() {
    return {};
  },

  async styleInput({ image, size }) {
    const input = await styleInput(arrivedImage(image), size);
    // sharp's output cannot be transferred: one copy here, not a clone on the engine's thread.
    return { image: { ...input, data: transferableCopy(asBuffer(input.data)) } };
  },

  async styleFinish(input) {
    const image = await finishStyled({
      ...input,
      image: arrivedImage(input.image),
      modelInput: arrivedImage(input.modelInput),
      styled: arrivedImage(input.styled),
    });
    return { image: { ...image, data: transferableCopy(asBuffer(image.data)) } };
  },

  async referenceCompose({ photo, mask, reference, composition }) {
    const arrived = arrivedImage(photo);
    const image = await composeWithReference(arrived, mask, arrivedImage(reference), composition);
    // placeOnReference's picture may come from sharp (memory that cannot move): one copy here.
    return { image: { ...image, data: transferableCopy(asBuffer(image.data)) }, photo: arrived };
  },

  async storeImage(input) {
    return storedForm(asBuffer(input.bytes));
  },

  async fromBase64({ base64 }) {
    return { bytes: sharedCopy(Buffer.from(asBuffer(base64).toString('latin1'), 'base64')) };
  },

  async record(input) {
    // Loaded on first use: threads that never record do not load SQLite.
    const { recordInThread } = await import('../store/record-in-thread');
    return recordInThread(input);
  },
};
