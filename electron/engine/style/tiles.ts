/**
 * Overlapping tiles for fixed-size style models, and the weights that blend them without seams.
 *
 * Along each axis, tile i fades in over exactly the span it shares with tile i-1 and fades out over
 * the span it shares with tile i+1, with raised-cosine ramps: where two tiles overlap their weights
 * are cos² and sin² of the same angle and sum to 1, so the blend is a smooth cross-fade with no
 * step anywhere. Sides on the image border keep full weight (no ramp), so border pixels are never
 * divided by a near-zero weight sum. The 2-D weight is the product of the two axes' weights.
 */
export interface Tile {
  x: number;
  y: number;
  /** Indexes into `xs` and `ys` (to pick the tile's weights). */
  ix: number;
  iy: number;
}

export interface TilePlan {
  tileWidth: number;
  tileHeight: number;
  /** Tile origins along x and along y; the tiles are their cross product. */
  xs: number[];
  ys: number[];
  tiles: Tile[];
}

/**
 * Style networks down- and up-sample by powers of two, which leaves a faint periodic pattern in their
 * output tied to the tile's origin. Origins on multiples of 8 keep that pattern in the same phase in
 * every tile, so overlaps blend like with like instead of two offset patterns.
 */
export const TILE_ALIGN = 8;

/**
 * Evenly spaced origins, on multiples of TILE_ALIGN, covering [0, length) with tiles of `tile`
 * pixels overlapping by at least `overlap`. The last tile may reach up to TILE_ALIGN − 1 pixels past
 * the end (the caller mirrors the image there). A length not bigger than the tile gives one tile at 0.
 */
export function axisOrigins(length: number, tile: number, overlap: number): number[] {
  if (length <= tile) return [0];
  const last = Math.ceil((length - tile) / TILE_ALIGN) * TILE_ALIGN;
  // Rounding each origin to the grid can widen a gap by up to TILE_ALIGN: plan with that margin.
  const step = Math.max(TILE_ALIGN, tile - overlap - TILE_ALIGN);
  const count = Math.ceil(last / step) + 1;
  return Array.from(
    { length: count },
    (_, i) => Math.round((i * last) / (count - 1) / TILE_ALIGN) * TILE_ALIGN,
  );
}

export function planTiles(
  width: number,
  height: number,
  tileWidth: number,
  tileHeight: number,
  overlap: number,
): TilePlan {
  const xs = axisOrigins(width, tileWidth, Math.min(overlap, Math.floor(tileWidth / 2)));
  const ys = axisOrigins(height, tileHeight, Math.min(overlap, Math.floor(tileHeight / 2)));
  const tiles = ys.flatMap((y, iy) => xs.map((x, ix) => ({ x, y, ix, iy })));
  return { tileWidth, tileHeight, xs, ys, tiles };
}

/** Per-pixel weights of the tile at `origins[index]` along one axis (length `tile`). */
export function axisWeights(origins: number[], index: number, tile: number): Float32Array {
  const start = origins[index]!;
  const w = new Float32Array(tile).fill(1);
  const prev = origins[index - 1];
  const next = origins[index + 1];
  const fadeIn = prev === undefined ? 0 : Math.max(0, prev + tile - start);
  const fadeOut = next === undefined ? 0 : Math.max(0, start + tile - next);
  for (let x = 0; x < tile; x++) {
    let v = 1;
    if (x < fadeIn) v *= 0.5 - 0.5 * Math.cos((Math.PI * (x + 0.5)) / fadeIn);
    if (x >= tile - fadeOut) v *= 0.5 - 0.5 * Math.cos((Math.PI * (tile - x - 0.5)) / fadeOut);
    w[x] = v;
  }
  return w;
}

/**
 * Sums weighted tile outputs and divides by the weight sum at the end. Normalising makes the blend
 * exact even where three tiles meet (large overlaps) or a ramp product is not a partition of unity.
 */
export class TileAccumulator {
  private readonly sum: Float32Array;
  private readonly weight: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.sum = new Float32Array(width * height * 3);
    this.weight = new Float32Array(width * height);
  }

  /** Adds an RGB tile (tileWidth×tileHeight, interleaved) at (x, y), clipped to the canvas. */
  add(rgb: Uint8Array, x: number, y: number, tileWidth: number, wx: Float32Array, wy: Float32Array): void {
    const rows = Math.min(wy.length, this.height - y);
    const cols = Math.min(tileWidth, this.width - x);
    for (let ty = 0; ty < rows; ty++) {
      const rowWeight = wy[ty]!;
      let dst = (y + ty) * this.width + x;
      let src = ty * tileWidth * 3;
      for (let tx = 0; tx < cols; tx++, dst++, src += 3) {
        const w = rowWeight * wx[tx]!;
        this.weight[dst]! += w;
        const d = dst * 3;
        this.sum[d]! += w * rgb[src]!;
        this.sum[d + 1]! += w * rgb[src + 1]!;
        this.sum[d + 2]! += w * rgb[src + 2]!;
      }
    }
  }

  toRgb(): Buffer {
    const n = this.width * this.height;
    const out = Buffer.allocUnsafe(n * 3);
    for (let i = 0; i < n; i++) {
      const w = this.weight[i]! || 1;
      for (let c = 0; c < 3; c++) {
        const v = this.sum[i * 3 + c]! / w;
        out[i * 3 + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
      }
    }
    return out;
  }
}
