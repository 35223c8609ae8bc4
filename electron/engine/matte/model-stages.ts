import sharp from 'sharp';
import { AtelierError } from '../errors';
import { pillowLanczos } from '../imaging/pillow-resize';
import type { Mask, RawImage } from '../imaging/raw';
import type { ModelEntry } from '../models/manifest';
import { loadOrt, type LoadedModel } from '../models/sessions';
import { imageToTensorData, modelInputSize, tensorDims } from '../models/tensor';

/** A model input ready to run: the tensor data and its dims, plus the size it was resized to. */
export interface MatteInput {
  data: Float32Array;
  dims: number[];
  width: number;
  height: number;
}

/**
 * Photos are first shrunk with libvips to this long side (fast, native); Pillow's Lanczos then does the
 * last ≤ 4× step to the model's size in JavaScript, which on its own would cost seconds at 24 MP.
 */
const PRESHRINK_SIDE = 1280;

/**
 * Resizes the photo to the model's input size with Pillow's Lanczos (rembg's PIL resize, byte for
 * byte from PRESHRINK_SIDE down) and converts it to a tensor following the manifest's contract.
 * Alpha is dropped, not composited, as PIL's convert("RGB").
 */
export async function preprocessForMatte(image: RawImage, entry: ModelEntry): Promise<MatteInput> {
  const size = modelInputSize(entry, image.width, image.height);
  const shrink = Math.min(1, PRESHRINK_SIDE / Math.max(image.width, image.height));
  let pipeline = sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
    limitInputPixels: false,
  });
  if (image.channels === 4) pipeline = pipeline.removeAlpha();
  if (shrink < 1) {
    pipeline = pipeline.resize(
      Math.max(size.width, Math.round(image.width * shrink)),
      Math.max(size.height, Math.round(image.height * shrink)),
      { fit: 'fill', kernel: 'lanczos3' },
    );
  }
  const { data, info } = await pipeline.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const rgb: RawImage = { data, width: info.width, height: info.height, channels: 3 };
  const resized = pillowLanczos(rgb, size.width, size.height);
  return {
    data: imageToTensorData(resized, entry.input),
    dims: tensorDims(entry.input, size.width, size.height),
    width: size.width,
    height: size.height,
  };
}

/** Runs the matte model and reads its alpha map at the model's resolution (0..255). */
export async function inferMatte(model: LoadedModel, input: MatteInput): Promise<Mask> {
  const { entry, session } = model;
  if (entry.task !== 'matte' || entry.output.meaning !== 'alpha') {
    throw new AtelierError(
      'MODEL_CONTRACT',
      `Model "${entry.id}" is a ${entry.task} model, not a matte model`,
      {
        hint: 'pick a model whose manifest entry has task "matte" and output meaning "alpha"',
        file: entry.file,
      },
    );
  }
  const ort = await loadOrt();
  const feeds = { [model.inputName]: new ort.Tensor('float32', input.data, input.dims) };
  const mask = await session.runMatte(feeds, {
    model: { id: entry.id, file: entry.file },
    name: model.outputName,
    contract: entry.output,
    width: input.width,
    height: input.height,
  });
  return { data: mask, width: input.width, height: input.height };
}
