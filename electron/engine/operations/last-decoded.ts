/**
 * The editor's last decoded original, kept between re-renders: a designer tries colour after colour on
 * one photo, and decoding a 24 MP original again cost ~0.5 s of every render. One photo only (~72 MB
 * at 24 MP), dropped after a minute unused. A render takes it (its pixels travel to the pool and
 * come back) and gives it back when it is done, so two renders never share one buffer. Originals are
 * stored by content and never change, so a kept photo cannot go stale.
 *
 * It can also be decoded ahead: when the editor opens an item, its first render is likely to follow
 * while the designer chooses a background, and the decode is then done before Apply. One decode ahead
 * runs at a time; a designer clicking through items only has the last one decoded after it.
 */
import type { DecodedImage } from '../imaging/decode';

const KEEP_MS = 60_000;

interface Ahead {
  imageId: number;
  decode: () => Promise<DecodedImage>;
}

export class LastDecoded {
  private kept: { imageId: number; decoded: DecodedImage; timer: NodeJS.Timeout } | undefined;
  /** The decode ahead under way, settled (never rejected) once its photo is kept or it failed. */
  private running: { imageId: number; done: Promise<void> } | undefined;
  /** The one asked for while another ran: started after it, unless a render took over. */
  private waiting: Ahead | undefined;

  /**
   * The photo of stored image `imageId` if it is the one kept, waiting for a decode ahead of it under
   * way; it is then no longer kept. Undefined: the caller decodes it itself.
   */
  async take(imageId: number): Promise<DecodedImage | undefined> {
    if (this.waiting?.imageId === imageId) this.waiting = undefined;
    if (this.running?.imageId === imageId) await this.running.done;
    if (this.kept?.imageId !== imageId) return undefined;
    const { decoded } = this.kept;
    this.clear();
    return decoded;
  }

  /** Keeps the photo, in place of any other; not one whose pixels were handed away. */
  keep(imageId: number, decoded: DecodedImage): void {
    if (decoded.image.data.byteLength === 0) return;
    this.clear();
    const timer = setTimeout(() => this.clear(), KEEP_MS).unref();
    this.kept = { imageId, decoded, timer };
  }

  /**
   * Decodes `imageId` ahead of a render that will probably follow, keeping it like a rendered one.
   * A failure is dropped here: the render that follows meets it again and reports it.
   */
  ahead(imageId: number, decode: () => Promise<DecodedImage>): void {
    if (this.kept?.imageId === imageId || this.running?.imageId === imageId) return;
    if (this.running) {
      this.waiting = { imageId, decode };
      return;
    }
    const done = decode()
      .then(
        (decoded) => this.keep(imageId, decoded),
        () => {},
      )
      .finally(() => {
        this.running = undefined;
        const next = this.waiting;
        this.waiting = undefined;
        if (next) this.ahead(next.imageId, next.decode);
      });
    this.running = { imageId, done };
  }

  clear(): void {
    if (this.kept) clearTimeout(this.kept.timer);
    this.kept = undefined;
  }
}
