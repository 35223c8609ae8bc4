/**
 * Moving pixel buffers between the engine's thread and the pool's workers by transfer, not copy. A
 * transferred ArrayBuffer is detached on the sending side, so a buffer must own its ArrayBuffer
 * whole (a slice of Node's small-buffer pool would take its neighbours along, and the pool is marked
 * untransferable): those few are copied first. After the structured clone a Buffer arrives as a plain
 * Uint8Array; `asBuffer` gives it its Buffer methods back without copying.
 *
 * Big buffers that only pass through the engine's thread on their way from one task to the next (a
 * batch photo from its decode to its cut-out, an output's bytes and Base64 to the history record) are
 * shared memory instead (`sharedCopy`): V8 counts a transferred ArrayBuffer as the receiving thread's
 * external memory until a full garbage collection runs there, so every photo passing through pushed
 * the engine's thread into a mark-compact pause (60–80 ms in a batch of 12 MP photos); a
 * SharedArrayBuffer is not counted per thread and moves without a copy or a transfer list.
 */
import { scratchBuffer } from '../compose/core/scratch';
import type { Mask, RawImage } from '../imaging/raw';

/** `bytes` as a view that owns its whole ArrayBuffer, or shared memory (copied only when neither). */
export function owned<T extends Uint8Array>(bytes: T): T {
  if (ownsBuffer(bytes) || bytes.buffer instanceof SharedArrayBuffer) return bytes;
  const copy = new Uint8Array(new ArrayBuffer(bytes.byteLength));
  copy.set(bytes);
  return (Buffer.isBuffer(bytes) ? Buffer.from(copy.buffer) : copy) as T;
}

/** A copy of `bytes` in memory of its own, which can be transferred (unlike sharp's external buffers). */
export function transferableCopy(bytes: Buffer): Buffer {
  // Scratch memory when a recycled buffer of this size is at hand (a re-render's decoded mask).
  const copy = Buffer.from(scratchBuffer(bytes.byteLength, false));
  bytes.copy(copy);
  return copy;
}

/** A copy of `bytes` in shared memory, for a big buffer that passes through the engine's thread (above). */
export function sharedCopy(bytes: Uint8Array): Buffer {
  const copy = Buffer.from(new SharedArrayBuffer(bytes.byteLength));
  copy.set(bytes);
  return copy;
}

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A copy of the image's header around a buffer that owns its memory (ready to be transferred). */
export function ownedImage(image: RawImage): RawImage {
  return { ...image, data: owned(image.data) };
}

export function ownedMask(mask: Mask): Mask {
  return { ...mask, data: owned(mask.data) };
}

/** An image that crossed a thread boundary, with its Buffer back. */
export function arrivedImage(image: RawImage): RawImage {
  return { ...image, data: asBuffer(image.data) };
}

/** Whether the view spans its whole (non-shared, non-empty) ArrayBuffer, so it can be transferred. */
export function ownsBuffer(view: Uint8Array): boolean {
  return (
    view.buffer instanceof ArrayBuffer &&
    view.byteLength > 0 &&
    view.byteOffset === 0 &&
    view.byteLength === view.buffer.byteLength
  );
}

/** The ArrayBuffers of these views, once each (two views of one buffer transfer it once). */
export function buffersOf(...views: (Uint8Array | undefined)[]): ArrayBuffer[] {
  const list = new Set<ArrayBuffer>();
  for (const v of views) if (v && ownsBuffer(v)) list.add(v.buffer as ArrayBuffer);
  return [...list];
}

/** The typed arrays of a result's field: itself, its `data`, or its members' (two levels deep). */
function viewsIn(value: unknown, depth = 0): ArrayBufferView[] {
  if (ArrayBuffer.isView(value)) return [value];
  if (!value || typeof value !== 'object' || depth > 1) return [];
  return Object.values(value).flatMap((v) => viewsIn(v, depth + 1));
}

/** The buffers a task's result hands back (moved, not copied). */
export function resultBuffers(output: Record<string, unknown>): ArrayBuffer[] {
  const list = new Set<ArrayBuffer>();
  for (const value of Object.values(output)) {
    for (const data of viewsIn(value)) {
      // Only views that own their whole buffer move; a slice of a shared one is copied by the clone.
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (ownsBuffer(bytes)) list.add(data.buffer as ArrayBuffer);
    }
  }
  return [...list];
}
