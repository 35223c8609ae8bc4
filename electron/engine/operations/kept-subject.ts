/**
 * The last subject layer a pool thread made for a re-render, kept for the next one: a designer tries
 * background after background on one photo, and the layer (edges, feather and decontaminated edge
 * colours: ~0.5 s at 24 MP) stays the same. Keyed by what it was made from — the photo's and the
 * mask's content (their stored sha256s, named by the editor) and the edge recipe — so it cannot go
 * stale. One per thread (~120 MB at 24 MP), let go a minute after its last use; a render that lands
 * on another thread of the pool simply makes its own.
 */
import { clonePlane } from '../compose/core/raster';
import { recycle } from '../compose/core/scratch';
import type { Subject } from '../compose/core/compose';
import type { Plane8 } from '../compose/core/types';

const KEEP_MS = 60_000;

let kept: { key: string; subject: Subject; timer: ReturnType<typeof setTimeout> } | undefined;

/** The kept subject made from `key`, if it is the one kept. */
export function keptSubject(key: string | undefined): Subject | undefined {
  return key !== undefined && kept?.key === key ? kept.subject : undefined;
}

/**
 * Keeps `subject` (made from `key`) in place of any other. Its mask is copied when it is the source
 * mask itself, which goes back to the caller (and is detached here) when the task ends.
 */
export function keepSubject(key: string, subject: Subject, sourceMask: Plane8): void {
  if (kept?.key === key && kept.subject === subject) {
    kept.timer.refresh();
    return;
  }
  dropKeptSubject();
  const mask = subject.mask.data === sourceMask.data ? clonePlane(subject.mask) : subject.mask;
  const timer = setTimeout(dropKeptSubject, KEEP_MS);
  timer.unref?.();
  kept = { key, subject: { ...subject, mask }, timer };
}

/** Lets the kept subject go (its buffers serve the thread's next composition). */
export function dropKeptSubject(): void {
  if (!kept) return;
  clearTimeout(kept.timer);
  recycle(kept.subject.layer.data, kept.subject.mask.data);
  kept = undefined;
}
