/**
 * The engine thread's side of the pool: each pixel job as one typed call. Inputs are transferred to the
 * worker (the caller's buffers are detached meanwhile) and every image comes back in the result, so
 * callers carry on with the returned objects, never with the ones they passed in.
 */
import type { Stroke } from '../api/contract';
import type { DecodedImage } from '../imaging/decode';
import type { Mask, RawImage } from '../imaging/raw';
import type { MatteInput } from '../matte/model-stages';
import type { ModelEntry } from '../models/manifest';
import type { EncodedMask } from '../imaging/mask-png';
import type { CompositionParams } from '../operations/cutout-compose';
import type { OutputEncoding } from '../operations/write-output';
import type { ReferenceComposition } from '../operations/reference-compose';
import type { StyledFinish } from '../style/style-stages';
import type { PoolRunOptions } from './pool';
import type { BackgroundSpecs } from '../compose/on-background';
import type { ComposeTaskInput, DecodeTaskInput, EncodedPicture, OriginalForm, StoredForm } from './tasks';
import { pixelPool } from './shared-pool';
import { arrivedImage, asBuffer, buffersOf, owned, ownedImage, ownedMask } from './transfer';

export interface MaskOptions {
  refine: boolean;
  removeIslands: boolean;
  /** Hard edges and feathering applied after (a finished mask rather than the model's). */
  shape?: { edges: 'soft' | 'hard'; feather: number };
}

/**
 * Decodes a photo in the pool (a file, or history bytes named `name`) and, given a model, makes its
 * model input there too; the pixels arrive here by transfer. `renderLayers`: a render of the photo
 * follows, and the thread makes its memory ready for that many layers while libvips decodes.
 */
export async function decodeInPool(
  source: { file: string; keepOriginal?: boolean } | { bytes: Buffer; name: string },
  maxPixels: number,
  model?: ModelEntry,
  renderLayers?: DecodeTaskInput['renderLayers'],
): Promise<{ decoded: DecodedImage; matteInput?: MatteInput; original?: OriginalImage }> {
  const file = 'file' in source ? source.file : source.name;
  const input = {
    ...source,
    maxPixels,
    ...(model ? { model } : {}),
    ...(renderLayers ? { renderLayers } : {}),
  };
  const out = await pixelPool().run('decode', input, [], { file });
  const d = out.decoded;
  const decoded: DecodedImage = {
    ...d,
    image: arrivedImage(d.image),
    ...(d.icc ? { icc: asBuffer(d.icc) } : {}),
    ...(d.exif ? { exif: asBuffer(d.exif) } : {}),
  };
  const original = out.original && {
    ...out.original,
    bytes: asBuffer(out.original.bytes),
    thumbnail: asBuffer(out.original.thumbnail),
    stored: storedBytes(out.original.stored),
  };
  return {
    decoded,
    ...(out.matteInput ? { matteInput: out.matteInput } : {}),
    ...(original ? { original } : {}),
  };
}

/** An input file as the history stores it, made in the pool where it was decoded (`keepOriginal`). */
export type OriginalImage = Omit<OriginalForm, 'bytes' | 'thumbnail' | 'stored'> & {
  bytes: Buffer;
  thumbnail: Buffer;
  stored: StoredBytes;
};

/** A stored mask PNG decoded in the pool (its pixels arrive by transfer). */
export async function decodeMaskInPool(bytes: Buffer, name: string): Promise<Mask> {
  return (await pixelPool().run('decodeMask', { bytes, name }, [], { file: name })).mask;
}

/** The model's full-resolution mask from its low-resolution one, refined on `photo`. */
export async function modelMaskInPool(
  photo: RawImage,
  low: Mask,
  options: MaskOptions,
  run: PoolRunOptions = {},
): Promise<{ mask: Mask; photo: RawImage }> {
  const input = { photo: ownedImage(photo), low: ownedMask(low), ...options };
  const out = await pixelPool().run('modelMask', input, buffersOf(input.photo.data, input.low.data), run);
  return { mask: out.mask, photo: arrivedImage(out.photo) };
}

/** A picture a pool task encoded, with what the history stores of it (made there). */
export type PictureForHistory = EncodedPicture & { bytes: Buffer; thumbnail: Buffer; stored: StoredBytes };

/**
 * A whole cut-out's pixel work and its encoding in the pool: the photo's buffer goes there and does
 * not come back (the caller is done with it); the output file's bytes and the mask's PNG do, each
 * with its history form.
 */
export async function cutoutInPool(
  photo: RawImage,
  low: Mask,
  options: MaskOptions & { composition: CompositionParams; encoding: OutputEncoding },
  run: PoolRunOptions = {},
): Promise<{ output: PictureForHistory; mask: EncodedMask & { stored: StoredBytes } }> {
  const input = { photo: ownedImage(photo), low: ownedMask(low), ...options };
  const transfer = buffersOf(input.photo.data, input.low.data);
  const out = await pixelPool().run('cutout', input, transfer, run);
  const mask = {
    ...out.mask,
    bytes: asBuffer(out.mask.bytes),
    thumbnail: asBuffer(out.mask.thumbnail),
    stored: storedBytes(out.mask.stored),
  };
  return { output: pictureForHistory(out.output), mask };
}

function pictureForHistory(picture: EncodedPicture & { stored: StoredForm }): PictureForHistory {
  return {
    ...picture,
    bytes: asBuffer(picture.bytes),
    thumbnail: asBuffer(picture.thumbnail),
    stored: storedBytes(picture.stored),
  };
}

/**
 * A style model's input from `image`. The photo is copied to the worker, not transferred: the caller
 * (a batch's decoded photo) keeps using it.
 */
export async function styleInputInPool(
  image: RawImage,
  size: { width: number; height: number },
  run: PoolRunOptions = {},
): Promise<RawImage> {
  return arrivedImage((await pixelPool().run('styleInput', { image, size }, [], run)).image);
}

/** The finished look (see style-stages.ts); the model's input and output move to the worker. */
export async function styleFinishInPool(finish: StyledFinish, run: PoolRunOptions = {}): Promise<RawImage> {
  const input = { ...finish, modelInput: ownedImage(finish.modelInput), styled: ownedImage(finish.styled) };
  const transfer = buffersOf(input.modelInput.data, input.styled.data);
  return arrivedImage((await pixelPool().run('styleFinish', input, transfer, run)).image);
}

/** A stored item's picture from its photo and effective mask. */
export async function composeInPool(
  task: ComposeTaskInput & { encoding: OutputEncoding },
  run: PoolRunOptions = {},
): Promise<{ output: PictureForHistory; photo: RawImage; mask: Mask }> {
  const input = { ...task, photo: ownedImage(task.photo), mask: ownedMask(task.mask) };
  const out = await pixelPool().run('compose', input, buffersOf(input.photo.data, input.mask.data), run);
  return { output: pictureForHistory(out.output), photo: arrivedImage(out.photo), mask: out.mask };
}

/**
 * The subject layer of a render to come, made and kept by a pool thread (the one an idle pool gives
 * the next task: its first); the photo and mask come back.
 */
export async function subjectAheadInPool(
  task: ComposeTaskInput & { sourceKey: string },
  run: PoolRunOptions = {},
): Promise<{ photo: RawImage; mask: Mask }> {
  const input = { ...task, photo: ownedImage(task.photo), mask: ownedMask(task.mask) };
  const out = await pixelPool().run('subject', input, buffersOf(input.photo.data, input.mask.data), run);
  return { photo: arrivedImage(out.photo), mask: out.mask };
}

/** A cut-out (RGBA) on a new background, shadow and canvas; `subject` comes back with it. */
export async function backgroundInPool(
  subject: RawImage,
  spec: BackgroundSpecs,
  run: PoolRunOptions = {},
): Promise<{ image: RawImage; subject: RawImage }> {
  const input = {
    subject: ownedImage(subject),
    spec: { background: spec.background, shadow: spec.shadow, canvas: spec.canvas },
  };
  const out = await pixelPool().run('background', input, buffersOf(input.subject.data), run);
  return { image: arrivedImage(out.image), subject: arrivedImage(out.subject) };
}

/**
 * The compose operation's picture in the pool (`mask` is moved there and not returned: the caller is
 * done with it). `reference` is copied, not moved: a batch shares one decoded reference among its photos.
 */
export async function referenceComposeInPool(
  photo: RawImage,
  mask: Mask,
  reference: RawImage,
  composition: ReferenceComposition,
  run: PoolRunOptions = {},
): Promise<{ image: RawImage; photo: RawImage }> {
  const input = { photo: ownedImage(photo), mask: ownedMask(mask), reference, composition };
  const transfer = buffersOf(input.photo.data, input.mask.data);
  const out = await pixelPool().run('referenceCompose', input, transfer, run);
  return { image: arrivedImage(out.image), photo: arrivedImage(out.photo) };
}

/** `mask` with the hand edits applied (`base` is the mask as given, handed back). */
export async function strokesInPool(
  mask: Mask,
  strokes: Stroke[],
  photo: RawImage | undefined,
  run: PoolRunOptions = {},
): Promise<{ mask: Mask; base: Mask; photo?: RawImage }> {
  const input = { mask: ownedMask(mask), strokes, ...(photo ? { photo: ownedImage(photo) } : {}) };
  const out = await pixelPool().run('strokes', input, buffersOf(input.mask.data, input.photo?.data), run);
  return { mask: out.mask, base: out.base, ...(out.photo ? { photo: arrivedImage(out.photo) } : {}) };
}

/** An image's bytes from its stored Base64 (ASCII bytes, moved to the worker when they can be). */
export async function bytesFromBase64InPool(base64: Buffer, run: PoolRunOptions = {}): Promise<Buffer> {
  const input = { base64: owned(base64) };
  return asBuffer((await pixelPool().run('fromBase64', input, buffersOf(input.base64), run)).bytes);
}

/**
 * What the history stores of an image's bytes: its sha256 and Base64 text (as ASCII bytes, which
 * SQLite takes without a JS string being built on this thread). `bytes` is copied, not moved: the
 * caller still writes it to disk.
 */
export async function storedFormInPool(bytes: Buffer, run: PoolRunOptions = {}): Promise<StoredBytes> {
  return storedBytes(await pixelPool().run('storeImage', { bytes }, [], run));
}

/** What the history stores of an image, as a pool thread made it: its sha256 and Base64 (ASCII bytes). */
export interface StoredBytes {
  sha256: string;
  base64: Buffer;
}

function storedBytes(form: StoredForm): StoredBytes {
  return { sha256: form.sha256, base64: asBuffer(form.base64) };
}
