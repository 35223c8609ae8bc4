/**
 * The touch-up brush at display resolution: erase (towards background) and restore (towards
 * subject), size and hardness, and an edge-aware mode approximated cheaply for the preview (each
 * dab is gated by the colour distance from the photo's colour under the dab's centre; the engine
 * applies the exact edge-aware version at full resolution). Strokes are kept in full-resolution
 * image pixels, the form edit.setStrokes takes; painting maps them down by the display scale.
 * Within one stroke dabs do not compound: each pixel takes the strongest coverage any dab gave it.
 */
import { clonePlane, type Box, type Plane8, type Rgba8 } from '../../../electron/engine/compose/core';
import { looksLikeBackground } from '../../../electron/engine/compose/core/edge-side';

export interface Stroke {
  /**
   * add-part / remove-part (one-click fixes) are grown by the engine's graph cut (matte/part-select.ts);
   * an item opened with them has them baked into its mask, and this preview brush never replays them.
   */
  mode: 'erase' | 'restore' | 'add-part' | 'remove-part';
  edgeAware: boolean;
  /** Diameter in full-resolution image pixels. */
  size: number;
  /** 1: a hard disc; 0: soft from the centre. */
  hardness: number;
  /** Full-resolution image pixels. */
  points: [number, number][];
}

/** Coverage 0..1 of a dab of radius `r` at distance `d` from its centre. */
export function dabCoverage(d: number, r: number, hardness: number): number {
  if (d >= r) return 0;
  const inner = r * Math.min(0.98, Math.max(0, hardness));
  if (d <= inner) return 1;
  const t = (r - d) / (r - inner);
  return t * t * (3 - 2 * t);
}

/** Colour distance (RGB, 0..441) below which the edge-aware gate is open, and above which it is shut. */
const EDGE_OPEN = 28;
const EDGE_SHUT = 72;

/** A mask value after `coverage` of `mode` on `base` (straight blend towards 0 or 255). */
export function blend(base: number, coverage: number, mode: Stroke['mode']): number {
  return mode === 'erase' ? base * (1 - coverage) : base + (255 - base) * coverage;
}

/**
 * Paints strokes onto a display-size mask. `begin` starts a stroke over the current mask, `extend`
 * adds points while the pointer moves (only the new dabs are touched), `end` finishes it.
 */
export class StrokePainter {
  private base: Plane8 | null = null;
  private coverage: Float32Array | null = null;
  private stroke: Stroke | null = null;
  private painted = 0;

  constructor(
    readonly mask: Plane8,
    /** Display pixels per full-resolution pixel. */
    readonly scale: number,
    /** The photo at the mask's size, for the edge-aware gate. */
    readonly guide: Rgba8 | null,
  ) {}

  begin(stroke: Stroke): Box | null {
    this.base = clonePlane(this.mask);
    this.coverage = new Float32Array(this.mask.data.length);
    this.stroke = { ...stroke, points: [] };
    this.painted = 0;
    return this.extend(stroke.points);
  }

  extend(points: [number, number][]): Box | null {
    if (!this.stroke) return null;
    this.stroke.points.push(...points);
    const pts = this.stroke.points;
    let dirty: Box | null = null;
    // Dabs along each new segment (the first point alone is one dab).
    for (let i = Math.max(0, this.painted); i < pts.length; i++) {
      const prev = pts[i - 1] ?? pts[i]!;
      const box = this.segment(prev, pts[i]!, i === 0);
      if (box) dirty = union(dirty, box);
    }
    this.painted = pts.length;
    return dirty;
  }

  end(): Stroke | null {
    const stroke = this.stroke;
    this.stroke = null;
    this.base = null;
    this.coverage = null;
    return stroke && stroke.points.length > 0 ? stroke : null;
  }

  get active(): boolean {
    return this.stroke !== null;
  }

  private segment(a: [number, number], b: [number, number], first: boolean): Box | null {
    const s = this.scale;
    const r = Math.max(0.5, (this.stroke!.size / 2) * s);
    const ax = a[0] * s;
    const ay = a[1] * s;
    const bx = b[0] * s;
    const by = b[1] * s;
    const length = Math.hypot(bx - ax, by - ay);
    const spacing = Math.max(0.5, r * 0.2);
    const steps = Math.max(first ? 0 : 1, Math.ceil(length / spacing));
    let dirty: Box | null = null;
    for (let k = first ? 0 : 1; k <= steps; k++) {
      const t = steps === 0 ? 0 : k / steps;
      const box = this.dab(ax + (bx - ax) * t, ay + (by - ay) * t, r);
      if (box) dirty = union(dirty, box);
    }
    return dirty;
  }

  private dab(cx: number, cy: number, r: number): Box | null {
    const { width, height, data } = this.mask;
    const stroke = this.stroke!;
    const x0 = Math.max(0, Math.floor(cx - r));
    const x1 = Math.min(width - 1, Math.ceil(cx + r));
    const y0 = Math.max(0, Math.floor(cy - r));
    const y1 = Math.min(height - 1, Math.ceil(cy + r));
    if (x1 < x0 || y1 < y0) return null;
    const guide = stroke.edgeAware ? this.guide : null;
    let gr = 0;
    let gg = 0;
    let gb = 0;
    if (guide) {
      const c =
        (Math.min(height - 1, Math.max(0, Math.round(cy))) * width +
          Math.min(width - 1, Math.max(0, Math.round(cx)))) *
        4;
      gr = guide.data[c]!;
      gg = guide.data[c + 1]!;
      gb = guide.data[c + 2]!;
    }
    const cov = this.coverage!;
    const base = this.base!.data;
    // A restore dab centred on what looks like the background just outside the brush restores
    // nothing: the engine's rule (matte/strokes.ts), so the saved mask matches what is painted.
    if (
      guide &&
      stroke.mode === 'restore' &&
      looksLikeBackground({ ...guide, channels: 4 }, this.base!, cx, cy, r, [gr, gg, gb])
    )
      return null;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        let a = dabCoverage(Math.hypot(x + 0.5 - cx, y + 0.5 - cy), r, stroke.hardness);
        if (a <= 0) continue;
        const i = y * width + x;
        if (guide) {
          const d = Math.hypot(
            guide.data[i * 4]! - gr,
            guide.data[i * 4 + 1]! - gg,
            guide.data[i * 4 + 2]! - gb,
          );
          const g = d <= EDGE_OPEN ? 1 : d >= EDGE_SHUT ? 0 : (EDGE_SHUT - d) / (EDGE_SHUT - EDGE_OPEN);
          a *= g;
          if (a <= 0) continue;
        }
        if (a <= cov[i]!) continue;
        cov[i] = a;
        data[i] = blend(base[i]!, a, stroke.mode) + 0.5;
      }
    }
    return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  }
}

function union(a: Box | null, b: Box): Box {
  if (!a) return b;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}

/** `base` with `strokes` applied in order (for undo/redo: the mask is rebuilt from its start). */
export function applyStrokes(
  base: Plane8,
  strokes: readonly Stroke[],
  scale: number,
  guide: Rgba8 | null,
): Plane8 {
  const mask = clonePlane(base);
  const painter = new StrokePainter(mask, scale, guide);
  for (const stroke of strokes) {
    if (stroke.mode === 'add-part' || stroke.mode === 'remove-part') continue;
    painter.begin(stroke);
    painter.end();
  }
  return mask;
}
