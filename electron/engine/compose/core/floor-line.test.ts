import { describe, expect, it } from 'vitest';
import { bottomProfile, groundLine, profileBand } from './floor-line';

/** A car seen in 3/4 view: body bottom at row 70, front wheel touching at 100, rear at 90. */
function carProfile(): Float32Array {
  const profile = new Float32Array(100).fill(70);
  for (let x = 15; x <= 25; x++) profile[x] = 100 - Math.abs(x - 20);
  for (let x = 75; x <= 85; x++) profile[x] = 90 - Math.abs(x - 80);
  return profile;
}

describe('floor line', () => {
  it('is the lower hull of the profile: through both wheels, never above the subject', () => {
    const profile = carProfile();
    const ground = groundLine(profile);
    expect(ground[20]).toBeCloseTo(100, 5);
    expect(ground[80]).toBeCloseTo(90, 5);
    // Halfway between the wheels the floor is halfway between their contact rows.
    expect(ground[50]).toBeCloseTo(95, 5);
    for (let x = 4; x < 96; x++) expect(ground[x] ?? 0).toBeGreaterThanOrEqual((profile[x] ?? 0) - 1e-6);
  });

  it('stays flat at the feet of a standing person instead of climbing to the hands', () => {
    const profile = new Float32Array(100).fill(-1);
    for (let x = 0; x < 12; x++) profile[x] = 50; // a hand
    for (let x = 40; x < 60; x++) profile[x] = 100; // the feet
    for (let x = 88; x < 100; x++) profile[x] = 52; // the other hand
    const ground = groundLine(profile);
    for (let x = 0; x < 100; x++) expect(ground[x]).toBeCloseTo(100, 5);
  });

  it('reads the lowest solid row of each column', () => {
    const data = new Uint8Array(5 * 4);
    data[1 * 5 + 1] = 255; // column 1: rows 1 and 3, the lower wins
    data[3 * 5 + 1] = 255;
    data[2 * 5 + 3] = 100; // column 3: too faint to count
    const profile = bottomProfile({ data, width: 5, height: 4 }, { x: 0, y: 0, width: 5, height: 4 });
    expect([...profile]).toEqual([-1, 3, -1, -1, -1]);
  });

  it('draws a band around the line, weighted per column', () => {
    const line = new Float32Array([10, 10, 10, 10]);
    const weight = new Float32Array([1, 0.5, 0, 1]);
    const band = profileBand(line, weight, { x: 0, y: 0, width: 4, height: 11 }, 2, 3, 0);
    const at = (x: number, row: number) =>
      band.mask.data[(row - band.top) * band.mask.width + x - band.left] ?? 0;
    expect(at(0, 10)).toBe(255);
    expect(at(0, 13)).toBe(255);
    expect(at(1, 10)).toBe(128);
    expect(at(2, 10)).toBe(0);
  });
});
