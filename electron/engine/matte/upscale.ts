import { pillowLanczos } from '../imaging/pillow-resize';
import type { Mask } from '../imaging/raw';

/** Resizes a mask with Pillow's Lanczos (as rembg resizes its mask back to the photo), without refinement. */
export async function resizeMask(mask: Mask, width: number, height: number): Promise<Mask> {
  if (mask.width === width && mask.height === height) return mask;
  const resized = pillowLanczos(
    {
      data: Buffer.from(mask.data.buffer, mask.data.byteOffset, mask.data.byteLength),
      width: mask.width,
      height: mask.height,
      channels: 1,
    },
    width,
    height,
  );
  return {
    data: new Uint8Array(resized.data.buffer, resized.data.byteOffset, resized.data.byteLength),
    width,
    height,
  };
}
