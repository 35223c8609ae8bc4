/**
 * The editor's last decoded original, kept between re-renders: a designer tries colour after colour on
 * one photo, and decoding a 24 MP original again cost ~0.5 s of every render. One photo only (~72 MB
 * at 24 MP), dropped after a minute unused. A render takes it (its pixels travel to the pool and
 * come back) and gives it back when it is done, so two renders never share one buffer. Originals are
 * stored by content and never change, so a kept photo cannot go stale.
 */
import type { DecodedImage } from '../imaging/decode';

const KEEP_MS = 60_000;

export class LastDecoded {
  private kept: { imageId: number; decoded: DecodedImage; timer: NodeJS.Timeout } | undefined;

  /** The photo of stored image `imageId`, if it is the one kept (it is then no longer kept). */
  take(imageId: number): DecodedImage | undefined {
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

  clear(): void {
    if (this.kept) clearTimeout(this.kept.timer);
    this.kept = undefined;
  }
}
