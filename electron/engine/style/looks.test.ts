import { afterAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../models/registry';
import { ModelSessions } from '../models/sessions';
import { stylizeImage } from './stylize';
import { fixtureRgb } from '../testing/style-images';

const registry = new ModelRegistry();
const sessions = new ModelSessions(registry, { intraOpThreads: 2 });
afterAll(() => sessions.dispose());

const SHIPPED_LOOKS = ['candy', 'mosaic', 'pointillism', 'rain-princess', 'udnie'];

describe('shipped looks', () => {
  it('are installed, commercial and bundled', () => {
    for (const id of SHIPPED_LOOKS) {
      const { entry } = registry.get(id);
      expect(entry.task).toBe('style');
      expect(entry.commercialUse && entry.bundle).toBe(true);
      expect(registry.isInstalled(id)).toBe(true);
    }
  });
});

describe('painted portrait', () => {
  it('enlarges a small photo (up to 2×) so faces reach the 256² model big enough, and keeps its size', async () => {
    const photo = await fixtureRgb('cloth-1', 300);
    const result = await stylizeImage(photo, { model: 'anime-facepaint', processingSize: 2048 }, sessions);
    expect(Math.max(result.processedSize.width, result.processedSize.height)).toBe(600);
    expect([result.image.width, result.image.height]).toEqual([photo.width, photo.height]);
  });

  it('never enlarges for dynamic models (they paint at any scale)', async () => {
    const photo = await fixtureRgb('cloth-1', 300);
    const result = await stylizeImage(photo, { model: 'candy', processingSize: 2048 }, sessions);
    expect(Math.max(result.processedSize.width, result.processedSize.height)).toBe(300);
  });
});
