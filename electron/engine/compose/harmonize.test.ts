import { describe, expect, it } from 'vitest';
import type { RawImage } from '../imaging/raw';
import { loadFixtureSubject } from '../testing/compose-subject';
import { harmonizeColors, labStats } from './harmonize';

/** A warm, dark reference: an orange-brown ramp. */
function warmReference(): RawImage {
  const width = 64;
  const height = 48;
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const t = (i % width) / width;
    data[i * 3] = Math.round(120 + 90 * t);
    data[i * 3 + 1] = Math.round(60 + 50 * t);
    data[i * 3 + 2] = Math.round(20 + 20 * t);
  }
  return { data, width, height, channels: 3 };
}

describe('harmonizeColors', () => {
  it('is the identity, byte for byte, at strength 0', async () => {
    const { subject, mask } = await loadFixtureSubject('car-1', 200);
    const out = harmonizeColors(subject, mask, warmReference(), 0);
    expect(out.data.equals(subject.data)).toBe(true);
    expect(out.data).not.toBe(subject.data);
  });

  it('moves the subject Lab means to the reference at strength 1, over masked pixels only', async () => {
    const { subject, mask } = await loadFixtureSubject('car-1', 200);
    const reference = warmReference();
    const target = labStats(reference);
    const before = labStats(subject, mask);
    const out = harmonizeColors(subject, mask, reference, 1);
    const after = labStats(out, mask);
    for (let c = 0; c < 3; c++) {
      expect(Math.abs((after.mean[c] ?? 0) - (target.mean[c] ?? 0))).toBeLessThan(0.02);
    }
    // It really moved: the silver car is far greyer than the brown reference (OKLab distance).
    const gap = Math.hypot(...before.mean.map((v, c) => v - (target.mean[c] ?? 0)));
    expect(gap).toBeGreaterThan(0.08);
    // Alpha is untouched, and so are fully transparent pixels.
    for (let i = 0; i < mask.data.length; i++) {
      expect(out.data[i * 4 + 3]).toBe(subject.data[i * 4 + 3]);
      if (mask.data[i] === 0) expect(out.data[i * 4]).toBe(subject.data[i * 4]);
    }
  });

  it('goes part of the way at intermediate strengths', async () => {
    const { subject, mask } = await loadFixtureSubject('car-1', 160);
    const reference = warmReference();
    const l0 = labStats(subject, mask).mean[0] ?? 0;
    const lt = labStats(reference).mean[0] ?? 0;
    const lHalf = labStats(harmonizeColors(subject, mask, reference, 0.5), mask).mean[0] ?? 0;
    expect(Math.abs(lHalf - (l0 + lt) / 2)).toBeLessThan(0.03);
  });

  it('refuses a strength outside 0..1, naming it', async () => {
    const { subject, mask } = await loadFixtureSubject('car-1', 64);
    expect(() => harmonizeColors(subject, mask, warmReference(), 1.5)).toThrow(/harmonize strength/);
    expect(() => harmonizeColors(subject, mask, warmReference(), Number.NaN)).toThrow(/harmonize strength/);
  });
});
