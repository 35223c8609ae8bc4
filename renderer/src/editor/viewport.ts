/**
 * Zoom and pan of the viewer as plain math. `scale` is CSS pixels per image pixel; Fit shows the
 * whole image whatever its shape, and 100 % means one image pixel per device pixel (1 / devicePixelRatio
 * CSS px), so the percentage shown is scale × devicePixelRatio. `x`, `y` are where the image's
 * top-left corner sits in the viewer, in CSS px.
 */

export interface Size {
  width: number;
  height: number;
}

export interface View {
  mode: 'fit' | 'free';
  scale: number;
  x: number;
  y: number;
}

/** Space kept around a fitted image so its edge stays visible against the viewer's frame. */
const FIT_MARGIN = 16;
export const MIN_PERCENT = 2;
export const MAX_PERCENT = 3200;

export function fitView(frame: Size, image: Size): View {
  const w = Math.max(1, frame.width - 2 * FIT_MARGIN);
  const h = Math.max(1, frame.height - 2 * FIT_MARGIN);
  const scale = Math.min(w / image.width, h / image.height);
  return { mode: 'fit', scale, ...centred(frame, image, scale) };
}

function centred(frame: Size, image: Size, scale: number): { x: number; y: number } {
  return { x: (frame.width - image.width * scale) / 2, y: (frame.height - image.height * scale) / 2 };
}

/** The zoom as people read it: 100 = one image pixel per device pixel. */
export function percent(view: View, dpr: number): number {
  return view.scale * dpr * 100;
}

/** Zooms to `scale` keeping the image point under `at` (viewer CSS px) in place. */
export function zoomTo(view: View, scale: number, at: { x: number; y: number }, dpr: number): View {
  const min = MIN_PERCENT / 100 / dpr;
  const max = MAX_PERCENT / 100 / dpr;
  const s = Math.min(max, Math.max(min, scale));
  const k = s / view.scale;
  return { mode: 'free', scale: s, x: at.x - (at.x - view.x) * k, y: at.y - (at.y - view.y) * k };
}

/** 100 % centred on the viewer's middle (or on `at`). */
export function actualSize(view: View, frame: Size, dpr: number, at?: { x: number; y: number }): View {
  const v = zoomTo(view, 1 / dpr, at ?? { x: frame.width / 2, y: frame.height / 2 }, dpr);
  // Whole device pixels, so 100 % is crisp.
  return { ...v, x: Math.round(v.x * dpr) / dpr, y: Math.round(v.y * dpr) / dpr };
}

export function panBy(view: View, dx: number, dy: number): View {
  return { ...view, mode: 'free', x: view.x + dx, y: view.y + dy };
}

/** Viewer CSS px → image px. */
export function toImage(view: View, p: { x: number; y: number }): [number, number] {
  return [(p.x - view.x) / view.scale, (p.y - view.y) / view.scale];
}

/** Wheel delta → zoom factor (trackpads send small deltas, mice ±100). */
export function wheelFactor(deltaY: number): number {
  return Math.exp(-Math.max(-300, Math.min(300, deltaY)) * 0.0015);
}
