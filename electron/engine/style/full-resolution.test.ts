import { describe, expect, it } from 'vitest';
import { detailGain } from './full-resolution';
import { fixtureRgb, flatImage } from '../testing/style-images';

const meanGain = (g: { data: Buffer }) => (g.data.reduce((s, v) => s + v, 0) / g.data.length / 255) * 1.25;

describe('detail gain (how much of the photo’s fine detail goes back on the look)', () => {
  it('is ~1 where the look kept the photo’s structure', async () => {
    const photo = await fixtureRgb('car-1', 256);
    const gain = meanGain(detailGain(photo, photo));
    console.log(`gain for an identity look: ${gain.toFixed(3)}`);
    expect(gain).toBeGreaterThan(0.9);
    expect(gain).toBeLessThan(1.05);
  });

  it('falls to its floor where the look painted a flat area', async () => {
    const photo = await fixtureRgb('car-1', 256);
    const gain = meanGain(detailGain(photo, flatImage(photo.width, photo.height)));
    console.log(`gain for a flat look: ${gain.toFixed(3)}`);
    expect(gain).toBeGreaterThan(0.6);
    expect(gain).toBeLessThan(0.7);
  });
});
