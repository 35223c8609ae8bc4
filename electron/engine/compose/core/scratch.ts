/**
 * Large pixel buffers reused within one thread. The first write to freshly allocated memory costs a
 * page fault per 4 KB page: on our test machines ~2.8 ms per MB, ~0.27 s for one 24 MP RGBA buffer —
 * more than the pass that fills it — and a full-size render needs several (the subject layer, the
 * background, the blurred photo's aligned copy). A finished buffer given back with `recycle` is handed
 * out again for the next request of the same size (the next re-render of the same photo) instead of
 * fresh memory.
 *
 * Only whole ArrayBuffers that nothing references any more may be given back; whoever recycles one
 * must be its last user. Only buffers this module made are kept (plain JavaScript memory: a native
 * library's external buffer could not be transferred later). Small buffers are not kept (the
 * allocator serves them cheaply), nor more than the limit in all (`setScratchLimit`: a pool of many
 * threads gives each less); `releaseScratch` drops everything (a pool thread after a while idle).
 */

/** Buffers below this size are left to the allocator. */
const MIN_BYTES = 4 << 20;
/** prepareScratch's slice between yields (~45 ms of page faults on our CI machines). */
const PREPARE_SLICE_BYTES = 16 << 20;
/**
 * Sizes kept at once: one photo's planes, RGB and RGBA images. A batch of mixed sizes otherwise kept
 * buffers of every size it had seen up to the limit (100 photos of 1–24 MP: peak RSS 1.4 → 2.3 GB
 * over the batch, flat without reuse); only the latest sizes are asked for again.
 */
const MAX_SIZES = 3;
/** At most this much is kept per thread unless told otherwise (a 24 MP render's working set is ~0.3 GB). */
const DEFAULT_LIMIT_BYTES = 512 << 20;
let limitBytes = DEFAULT_LIMIT_BYTES;

/** Kept buffers, oldest first. */
let kept: ArrayBuffer[] = [];
let keptBytes = 0;
/** Buffers that may be kept: plain, transferable JavaScript memory. */
const ours = new WeakSet<ArrayBuffer>();

/** `byteLength` bytes for a new image or plane, zeroed when asked (a reused buffer holds old pixels). */
export function scratchBuffer(byteLength: number, zeroed: boolean): ArrayBuffer {
  if (byteLength >= MIN_BYTES) {
    const i = kept.findIndex((b) => b.byteLength === byteLength);
    if (i >= 0) {
      const [buffer] = kept.splice(i, 1) as [ArrayBuffer];
      keptBytes -= byteLength;
      if (zeroed) new Uint8Array(buffer).fill(0);
      return buffer;
    }
  }
  // A new ArrayBuffer is zeroed by the allocator.
  const buffer = new ArrayBuffer(byteLength);
  ours.add(buffer);
  return buffer;
}

/**
 * Keeps `count` buffers of `byteLength` with their pages already in memory (counting those of that
 * size already kept): work known to be coming (the editor opened a photo: its render will paint
 * layers of the photo's size) then finds them instead of paying the page faults while the designer
 * waits. Done in slices that yield to the thread's other work (a decode whose next step waits here).
 */
export async function prepareScratch(byteLength: number, count = 1): Promise<void> {
  if (byteLength < MIN_BYTES) return;
  // No more than the thread may keep: what went beyond would be let go at once, its faults paid for nothing.
  const fits = Math.min(count, Math.floor(limitBytes / byteLength));
  const missing = fits - kept.filter((b) => b.byteLength === byteLength).length;
  const made: Uint8Array[] = [];
  for (let n = 0; n < missing; n++) {
    // Not scratchBuffer: a kept buffer of this size is one of those counted.
    const bytes = new Uint8Array(new ArrayBuffer(byteLength));
    ours.add(bytes.buffer);
    for (let start = 0; start < bytes.length; start += PREPARE_SLICE_BYTES) {
      const end = Math.min(bytes.length, start + PREPARE_SLICE_BYTES);
      // One write per 4 KB page brings it in (a new buffer's pages are mapped on their first write).
      for (let i = start; i < end; i += 4096) bytes[i] = 0;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    made.push(bytes);
  }
  recycle(...made);
}

/**
 * Gives buffers back for reuse. Views are accepted when they span their whole ArrayBuffer (a slice
 * of a larger one is not ours to give); shared, detached, small, foreign (not made here) and already kept
 * buffers are ignored.
 */
export function recycle(...views: (ArrayBufferView | undefined | null)[]): void {
  for (const view of views) {
    if (!view) continue;
    const buffer = view.buffer;
    if (!(buffer instanceof ArrayBuffer) || view.byteOffset !== 0) continue;
    if (view.byteLength !== buffer.byteLength || buffer.byteLength < MIN_BYTES) continue;
    if (!ours.has(buffer) || kept.includes(buffer)) continue;
    kept.push(buffer);
    keptBytes += buffer.byteLength;
  }
  dropStaleSizes();
  trimToLimit();
}

/**
 * Takes back buffers this thread made and lent out by transfer (a preview frame the editor has
 * replaced by a newer one), to be reused like recycled ones: a transferred buffer comes back as a new
 * ArrayBuffer object over the same memory, its pages already in. The sender must not use them again
 * (transferring them detaches its copies).
 */
export function takeBack(buffers: readonly ArrayBuffer[]): void {
  // Detached (byteLength 0) and small buffers are not kept.
  const worth = buffers.filter((b) => b instanceof ArrayBuffer && b.byteLength >= MIN_BYTES);
  for (const buffer of worth) ours.add(buffer);
  recycle(...worth.map((buffer) => new Uint8Array(buffer)));
}

/** Lets go every buffer of the sizes least recently given back, beyond MAX_SIZES sizes. */
function dropStaleSizes(): void {
  const lastGiven = new Map<number, number>();
  kept.forEach((b, i) => lastGiven.set(b.byteLength, i));
  if (lastGiven.size <= MAX_SIZES) return;
  const fresh = new Set(
    [...lastGiven]
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_SIZES)
      .map(([size]) => size),
  );
  kept = kept.filter((b) => fresh.has(b.byteLength));
  keptBytes = kept.reduce((sum, b) => sum + b.byteLength, 0);
}

/** How much this thread may keep (bytes); what is kept beyond it is let go, oldest first. */
export function setScratchLimit(bytes: number): void {
  limitBytes = Math.max(0, bytes);
  trimToLimit();
}

function trimToLimit(): void {
  while (keptBytes > limitBytes && kept.length > 0) keptBytes -= kept.shift()!.byteLength;
}

/** Working floats kept per step (slotFloats). */
const slots = new Map<string, Float32Array>();

/**
 * Working floats of one step (`slot`), reused between its calls: a box blur's second plane, the
 * blurred background's grid, boxMean's row sums. The preview runs these on every change at display
 * size, where fresh memory would cost page faults and the garbage collector's attention each time.
 * Up to `keep` values (default 2 M: 8 MB) are kept per slot; a larger request (a full-size plane in
 * the engine) gets its own. Not zeroed. A step must be done with its slot before it asks again.
 */
export function slotFloats(
  slot: 'box blur' | 'blur grid' | 'box rows',
  n: number,
  keep = 2 << 20,
): Float32Array {
  if (n > keep) return new Float32Array(n);
  let floats = slots.get(slot);
  if (!floats || floats.length < n) {
    floats = new Float32Array(n);
    slots.set(slot, floats);
  }
  return floats.subarray(0, n);
}

/** Drops every kept buffer (their memory goes back when the garbage collector frees them). */
export function releaseScratch(): void {
  kept = [];
  keptBytes = 0;
  slots.clear();
}

/** What is kept now (for tests and the memory bench). */
export function scratchHeld(): { buffers: number; bytes: number } {
  return { buffers: kept.length, bytes: keptBytes };
}
