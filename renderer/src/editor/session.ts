/**
 * One item open in the editor, without the DOM: its display-size original and mask, the mask as the
 * editor opened it (the base undo rebuilds from), the brush, and the last preview. Compositing runs
 * in the preview worker (preview-worker.ts, the engine's compositing core at display size); the
 * newest request wins, older queued ones are answered with null. While a stroke is painted only the
 * touched rectangle is recomposed here (over the backdrop cached at the stroke's start), so painting
 * stays smooth; the full recomposition (decontamination, shadow) runs in the worker when it ends.
 */
import { applyStrokes, StrokePainter, type Stroke } from './brush';
import {
  clonePlane,
  type Box,
  type Composition as Preview,
  type Plane8,
  type Recipe,
  type Rgba8,
} from '../../../electron/engine/compose/core';
import { transferables, type FromWorker } from './preview-job';
import { openPreviewPort, type PreviewPort } from './preview-port';

export type { Preview };

export interface ComposeRequest {
  withBefore?: boolean;
  /** Half the display size: a quick first look for slow recipes (never while painting). */
  draft?: boolean;
}

interface Waiting {
  recipe: Recipe;
  request: ComposeRequest;
  resolve: (preview: Preview | null) => void;
  reject: (error: Error) => void;
}

export class EditorSession {
  readonly original: Rgba8;
  readonly mask: Plane8;
  readonly fullWidth: number;
  readonly fullHeight: number;
  private readonly baseMask: Plane8;
  private readonly port: PreviewPort;
  private painter: StrokePainter | null = null;
  private backdrop: Uint8ClampedArray | null = null;
  private maskSent = true;
  private next = 1;
  private inFlight: (Waiting & { id: number }) | null = null;
  private queued: Waiting | null = null;
  preview: Preview | null = null;

  constructor(
    original: Rgba8,
    mask: Plane8,
    fullWidth: number,
    fullHeight: number,
    port = openPreviewPort(),
  ) {
    this.original = original;
    this.mask = mask;
    this.fullWidth = fullWidth;
    this.fullHeight = fullHeight;
    this.baseMask = clonePlane(mask);
    this.port = port;
    this.port.onReply = (reply) => this.onReply(reply);
    // The worker gets its own copies: this thread keeps the photo and mask for the brush.
    const photo = {
      data: new Uint8ClampedArray(original.data),
      width: original.width,
      height: original.height,
    };
    const ownMask = clonePlane(mask);
    this.port.post({ type: 'source', photo, mask: ownMask, fullWidth, fullHeight }, [
      photo.data.buffer,
      ownMask.data.buffer,
    ]);
  }

  /** Display pixels per full-resolution pixel. */
  get scale(): number {
    return this.original.width / this.fullWidth;
  }

  /**
   * Composes `recipe` in the worker. Resolves with the preview, or null when a newer request
   * replaced this one before it started (or a stroke began meanwhile).
   */
  compose(recipe: Recipe, request: ComposeRequest = {}): Promise<Preview | null> {
    return new Promise((resolve, reject) => {
      this.queued?.resolve(null);
      this.queued = { recipe, request, resolve, reject };
      this.pump();
    });
  }

  /** The pixels of the recipe's image background (null: not available, a stand-in is shown). */
  setBackgroundPicture(picture: Rgba8 | null): void {
    const copy = picture && { ...picture, data: new Uint8ClampedArray(picture.data) };
    this.port.post({ type: 'picture', picture: copy }, copy ? [copy.data.buffer] : []);
  }

  /** Stops the worker; pending requests are answered with null. */
  close(): void {
    this.queued?.resolve(null);
    this.inFlight?.resolve(null);
    this.queued = this.inFlight = null;
    this.port.close();
  }

  private pump(): void {
    if (this.inFlight || !this.queued) return;
    const waiting = { ...this.queued, id: this.next++ };
    this.queued = null;
    this.inFlight = waiting;
    if (!this.maskSent) {
      const mask = clonePlane(this.mask);
      this.port.post({ type: 'mask', mask }, [mask.data.buffer]);
      this.maskSent = true;
    }
    this.port.post({
      type: 'compose',
      id: waiting.id,
      recipe: waiting.recipe,
      withBefore: waiting.request.withBefore ?? false,
      draft: waiting.request.draft ?? false,
    });
  }

  private onReply(reply: FromWorker): void {
    const waiting = this.inFlight;
    if (!waiting || (reply.id !== waiting.id && reply.id !== -1)) return;
    this.inFlight = null;
    if (reply.type === 'failed') waiting.reject(new Error(reply.message));
    // A preview composed from the mask as it was before a stroke began would hide the stroke.
    else if (this.painter) {
      this.giveBack(reply.preview);
      waiting.resolve(null);
    } else {
      const preview = reply.beforeIsPhoto ? { ...reply.preview, before: this.original } : reply.preview;
      const replaced = this.preview;
      this.preview = preview;
      if (replaced) this.giveBack(replaced);
      waiting.resolve(preview);
    }
    this.pump();
  }

  /**
   * Hands a preview this session no longer shows back to the worker, which composes the next ones
   * into its memory. Its buffers are detached here by the transfer: whoever still holds the old
   * preview (a frame not yet painted) sees empty pixels and must skip it (EditorStage's draw does).
   */
  private giveBack(preview: Preview): void {
    const buffers = transferables(preview).filter((b) => b !== this.original.data.buffer);
    if (buffers.length > 0) this.port.post({ type: 'return', buffers }, buffers);
  }

  /**
   * Rebuilds the mask from the base with `strokes` (after undo or redo). A list with add-part /
   * remove-part strokes cannot be rebuilt here (the engine computes them): the mask stays as it is
   * until the engine's answer arrives (replaceMask).
   */
  setStrokes(strokes: readonly Stroke[]): void {
    if (strokes.some((s) => s.mode === 'add-part' || s.mode === 'remove-part')) return;
    const rebuilt = applyStrokes(this.baseMask, strokes, this.scale, this.original);
    this.mask.data.set(rebuilt.data);
    this.maskSent = false;
  }

  /**
   * Shows the engine's effective mask (loaded at display size) after a part stroke, its undo or its
   * redo. Returns false, changing nothing, while a stroke is being painted (its end sends the list
   * again, and that answer's mask follows) or when the size does not match.
   */
  replaceMask(mask: Plane8): boolean {
    if (this.painter || mask.width !== this.mask.width || mask.height !== this.mask.height) return false;
    this.mask.data.set(mask.data);
    this.maskSent = false;
    return true;
  }

  /**
   * Starts a stroke. The preview must have been composed with an identity geometry (the brush works
   * on the whole photo), so display-mask pixels are preview pixels.
   */
  beginStroke(stroke: Stroke): Box | null {
    const p = this.preview;
    if (!p || p.image.width !== this.mask.width || p.image.height !== this.mask.height) return null;
    this.painter = new StrokePainter(this.mask, this.scale, this.original);
    // The backdrop as composed (background + shadow, as of the stroke's start), or transparency.
    this.backdrop = p.backdrop?.data ?? new Uint8ClampedArray(p.image.data.length);
    return this.refresh(this.painter.begin(stroke));
  }

  extendStroke(points: [number, number][]): Box | null {
    return this.painter ? this.refresh(this.painter.extend(points)) : null;
  }

  endStroke(): Stroke | null {
    const stroke = this.painter?.end() ?? null;
    this.painter = null;
    this.backdrop = null;
    this.maskSent = false;
    return stroke;
  }

  /** Recomposes `box` of the preview from the live mask: the photo's colour over the backdrop. */
  private refresh(box: Box | null): Box | null {
    const p = this.preview;
    if (!box || !p || !this.backdrop) return box;
    const { width } = p.image;
    const out = p.image.data;
    const photo = this.original.data;
    const mask = this.mask.data;
    const bg = this.backdrop;
    for (let y = box.y; y < box.y + box.height; y++) {
      for (let x = box.x; x < box.x + box.width; x++) {
        const i = y * width + x;
        const o = i * 4;
        const a = mask[i]!;
        const ab = bg[o + 3]!;
        if (ab === 0) {
          out[o] = photo[o]!;
          out[o + 1] = photo[o + 1]!;
          out[o + 2] = photo[o + 2]!;
          out[o + 3] = a;
          continue;
        }
        // Straight "over" of the photo at alpha a on the backdrop pixel.
        const wb = ab * (255 - a);
        const den = a * 255 + wb;
        for (let c = 0; c < 3; c++)
          out[o + c] = den === 0 ? 0 : (photo[o + c]! * a * 255 + bg[o + c]! * wb) / den;
        out[o + 3] = den / 255;
      }
    }
    return box;
  }
}
