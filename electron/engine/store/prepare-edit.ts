import { prepareImage } from './images';
import type { NewEdit, PreparedEdit } from './types';

/** Hashes and measures an edit's masks before the transaction opens (like the generation's images). */
export async function prepareEdit(edit: NewEdit): Promise<PreparedEdit> {
  return {
    versionOf: edit.versionOf,
    modelMask: edit.modelMask ? await prepareImage(edit.modelMask, 'model mask') : null,
    mask: edit.mask ? await prepareImage(edit.mask, 'mask') : null,
    renderedMaskImageId: edit.renderedMaskImageId,
    strokes: edit.strokes,
    baseRevision: edit.baseRevision,
  };
}
