/**
 * The editor's last decoded original, kept between re-renders: a designer tries colour after colour on
 * one photo, and decoding a 24 MP original again cost ~0.5 s of every render. One photo only (~72 MB
 * at 24 MP), dropped after a minute unused. A render takes it (its pixels travel to the pool and
 * come back) and gives it back when it is done, so two renders never share one buffer. Originals are
 * stored by content and never change, so a kept photo cannot go stale.
 *
 * With it, the item's decoded stored mask (a render gives it back too: ~0.2 s at 24 MP).
 *
 * It can also be prepared ahead: when the editor opens an item, its first render is likely to follow
 * while the designer chooses a background, and the decoding (and the subject layer, in the pool) is
 * then done before Apply. One preparation runs at a time; a designer clicking through items only has
 * the last one prepared after it.
 */
import type { DecodedImage } from '../imaging/decode';
import type { Mask } from '../imaging/raw';

/** A kept photo, and the stored mask (by its image id) that goes with it when there is one. */
export interface KeptSource {
  decoded: DecodedImage;
  mask?: { imageId: number; mask: Mask };
}

const KEEP_MS = 60_000;

interface Ahead {
  imageId: number;
  prepare: () => Promise<KeptSource>;
}

export class LastDecoded {
  private kept: { imageId: number; source: KeptSource; timer: NodeJS.Timeout } | undefined;
  /** The preparation under way, settled (never rejected) once its photo is kept or it failed. */
  private running: { imageId: number; done: Promise<void> } | undefined;
  /** The one asked for while another ran: started after it, unless a render took over. */
  private waiting: Ahead | undefined;

  /**
   * The photo of stored image `imageId` (and its mask) if it is the one kept, waiting for a
   * preparation of it under way; it is then no longer kept. Undefined: the caller decodes it itself.
   */
  async take(imageId: number): Promise<KeptSource | undefined> {
    if (this.waiting?.imageId === imageId) this.waiting = undefined;
    if (this.running?.imageId === imageId) await this.running.done;
    if (this.kept?.imageId !== imageId) return undefined;
    const { source } = this.kept;
    this.clear();
    return source;
  }

  /** Keeps the photo (and mask), in place of any other; nothing whose pixels were handed away. */
  keep(imageId: number, source: KeptSource): void {
    if (source.decoded.image.data.byteLength === 0) return;
    const mask = source.mask && source.mask.mask.data.byteLength > 0 ? source.mask : undefined;
    this.clear();
    const timer = setTimeout(() => this.clear(), KEEP_MS).unref();
    this.kept = { imageId, source: { decoded: source.decoded, ...(mask ? { mask } : {}) }, timer };
  }

  /**
   * Prepares `imageId` ahead of a render that will probably follow, keeping it like a rendered one.
   * A failure is dropped here: the render that follows meets it again and reports it.
   */
  ahead(imageId: number, prepare: () => Promise<KeptSource>): void {
    if (this.kept?.imageId === imageId || this.running?.imageId === imageId) return;
    if (this.running) {
      this.waiting = { imageId, prepare };
      return;
    }
    const done = prepare()
      .then(
        (source) => this.keep(imageId, source),
        () => {},
      )
      .finally(() => {
        this.running = undefined;
        const next = this.waiting;
        this.waiting = undefined;
        if (next) this.ahead(next.imageId, next.prepare);
      });
    this.running = { imageId, done };
  }

  clear(): void {
    if (this.kept) clearTimeout(this.kept.timer);
    this.kept = undefined;
  }
}
