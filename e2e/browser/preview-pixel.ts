/**
 * RGBA of the live preview canvas at a fraction (fx, fy) of its size; empty while the viewer still
 * shows the stored image (an item just chosen opens its editor a moment later), so polls retry.
 */
import type { Page } from '@playwright/test';

export function previewPixel(page: Page, fx: number, fy: number): Promise<number[]> {
  return page.getByTestId('viewer-result').evaluate(
    (canvas: HTMLElement, [x = 0, y = 0]) => {
      if (!(canvas instanceof HTMLCanvasElement)) return [];
      const ctx = canvas.getContext('2d')!;
      return [...ctx.getImageData(Math.floor(canvas.width * x), Math.floor(canvas.height * y), 1, 1).data];
    },
    [fx, fy],
  );
}
