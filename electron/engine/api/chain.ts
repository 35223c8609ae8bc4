/**
 * Chains of operations (issue 19): any operation can follow any other on the same photo — stylize a
 * cut-out, cut out a stylized photo, place a cut-out on a reference. The next operation's input is
 * the result the person sees (the item's output), staged like a browser upload, so it runs as a batch
 * of one through the same token gate, queue and history as a dropped photo, named after the photo.
 */
import path from 'node:path';
import { AtelierError } from '../errors';
import type { Engine } from '../engine';
import type { Staging } from './staging';
import { EXT_BY_MIME } from '../imaging/mime';

/** Stages item `id`'s result as the next operation's input and returns its path. */
export async function stageChainInput(engine: Engine, staging: Staging, id: number): Promise<string> {
  const source = engine.store.getGeneration(id);
  const name = source.inputName ?? `image-${id}`;
  if (source.status !== 'done' || source.outputImageId === null) {
    throw new AtelierError(
      'NOT_FOUND',
      source.outputExpired
        ? `The result of ${name} has expired, so nothing can follow it`
        : `${name} has no result to work on`,
      { hint: 'regenerate it first, or open the original photo again' },
    );
  }
  // Decoded in the pool: a 24 MP result is tens of MB of Base64.
  const result = await engine.store.loadImage(source.outputImageId);
  // The photo's own name, so the next result is listed and saved under it (images are read by their
  // content, not their extension); a name without an image extension gets the result's.
  const ext = EXT_BY_MIME[result.mime] ?? 'png';
  return staging.stage(
    /\.[a-z0-9]{2,5}$/i.test(name) ? name : `${path.parse(name).name}.${ext}`,
    result.bytes,
  );
}
