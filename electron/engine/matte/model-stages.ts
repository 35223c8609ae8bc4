import sharp from 'sharp';
import { AtelierError } from '../errors';
import type { Mask, RawImage } from '../imaging/raw';
import type { ModelEntry } from '../models/manifest';
import { loadOrt, type LoadedModel } from '../models/sessions';
import { imageToTensorData, modelInputSize, tensorDims, tensorToMask } from '../models/tensor';

/** A model input ready to run: the tensor data and its dims, plus the size it was resized to. */
export interface MatteInput {
  data: Float32Array;
  dims: number[];
  width: number;
  height: number;
}

/**
 * Resizes the photo to the model's input size (Lanczos, like rembg's PIL resize) and converts it to a
 * tensor following the manifest's contract. Alpha is dropped, not composited, as PIL's convert("RGB").
 */
export async function preprocessForMatte(image: RawImage, entry: ModelEntry): Promise<MatteInput> {
  const size = modelInputSize(entry, image.width, image.height);
  let pipeline = sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
    limitInputPixels: false,
  });
  if (image.channels === 4) pipeline = pipeline.removeAlpha();
  const { data, info } = await pipeline
    .resize(size.width, size.height, { fit: 'fill', kernel: 'lanczos3' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const resized: RawImage = { data, width: info.width, height: info.height, channels: 3 };
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
  const results = await session.run(feeds, [model.outputName]);
  const output = results[model.outputName];
  if (!output || output.type !== 'float32') {
    throw new AtelierError(
      'MODEL_CONTRACT',
      `Model "${entry.id}" did not return a float32 "${model.outputName}"`,
      {
        hint: 'check the output name and type in its manifest entry',
        file: entry.file,
      },
    );
  }
  const values = output.data as Float32Array;
  // The map is [1,1,H,W], [1,H,W,1] or [1,H,W]: the first H·W values are the alpha either way.
  const mask = tensorToMask(values, input.width, input.height, entry.output);
  for (const tensor of Object.values(results)) tensor.dispose();
  return { data: mask, width: input.width, height: input.height };
}
