import { describe, expect, it } from 'vitest';
import { applyStrokes, dabCoverage, StrokePainter, type Stroke } from './brush';
import { allStrokes, emptyHistory, push, redo, undo } from './history';
import { newPlane, newRgba } from '../../../electron/engine/compose/core';

const full = (w: number, h: number, v: number) => {
  const p = newPlane(w, h);
  p.data.fill(v);
  return p;
};
const erase = (points: [number, number][], extra: Partial<Stroke> = {}): Stroke => ({
  mode: 'erase',
  edgeAware: false,
  size: 20,
  hardness: 1,
  points,
  ...extra,
});

describe('touch-up brush at display resolution', () => {
  it('a hard dab covers its disc fully and nothing outside it; soft falls off', () => {
    expect(dabCoverage(0, 10, 1)).toBe(1);
    expect(dabCoverage(9.5, 10, 1)).toBeGreaterThan(0.9);
    expect(dabCoverage(10, 10, 1)).toBe(0);
    expect(dabCoverage(5, 10, 0)).toBeGreaterThan(0.3);
    expect(dabCoverage(5, 10, 0)).toBeLessThan(0.7);
  });

  it('strokes come in full-res pixels and are painted at the display scale', () => {
    // Display at 1/4: a 40 px brush at full-res (200, 200) is a 10 px dab at (50, 50).
    const mask = applyStrokes(full(100, 100, 255), [erase([[200, 200]], { size: 40 })], 0.25, null);
    expect(mask.data[50 * 100 + 50]).toBe(0);
    expect(mask.data[50 * 100 + 58]).toBe(255);
    expect(mask.data[50 * 100 + 53]).toBe(0);
  });

  it('restore brings subject back, erase removes it, a line is continuous', () => {
    let mask = applyStrokes(
      full(100, 20, 0),
      [
        {
          ...erase([
            [10, 10],
            [90, 10],
          ]),
          mode: 'restore',
        },
      ],
      1,
      null,
    );
    for (let x = 10; x <= 90; x++) expect(mask.data[10 * 100 + x]).toBe(255);
    mask = applyStrokes(mask, [erase([[50, 10]])], 1, null);
    expect(mask.data[10 * 100 + 50]).toBe(0);
  });

  it('dabs of one stroke do not compound: a soft stroke drawn over itself is no stronger', () => {
    const once = applyStrokes(full(60, 20, 255), [erase([[30, 10]], { hardness: 0 })], 1, null);
    const many = applyStrokes(
      full(60, 20, 255),
      [
        erase(
          [
            [30, 10],
            [30, 10],
            [30, 10],
            [30, 10],
          ],
          { hardness: 0 },
        ),
      ],
      1,
      null,
    );
    expect(many.data[10 * 60 + 34]).toBe(once.data[10 * 60 + 34]);
  });

  it('edge-aware strokes stop at a colour edge of the photo', () => {
    const photo = newRgba(40, 20);
    for (let i = 0; i < 40 * 20; i++) {
      const x = i % 40;
      photo.data.set(x < 20 ? [200, 40, 40, 255] : [40, 40, 200, 255], i * 4);
    }
    const stroke = erase([[14, 10]], { size: 20, edgeAware: true });
    const mask = applyStrokes(full(40, 20, 255), [stroke], 1, photo);
    expect(mask.data[10 * 40 + 18]).toBe(0);
    expect(mask.data[10 * 40 + 22]).toBe(255);
    const plain = applyStrokes(full(40, 20, 255), [{ ...stroke, edgeAware: false }], 1, photo);
    expect(plain.data[10 * 40 + 22]).toBe(0);
  });

  it('edge-aware restore along an edge brings back the subject side, not the wall (as the engine)', () => {
    const w = 120;
    const h = 80;
    const photo = newRgba(w, h);
    const mask = full(w, h, 0);
    for (let i = 0; i < w * h; i++) {
      const x = i % w;
      const y = Math.floor(i / w);
      photo.data.set(x < 60 ? [128, 128, 124, 255] : [200, 30, 30, 255], i * 4);
      const hole = x >= 70 && x < 90 && y >= 30 && y < 50;
      mask.data[i] = x < 60 || hole ? 0 : 255;
    }
    const restore = (points: [number, number][], size: number) => ({
      ...erase(points, { size, edgeAware: true }),
      mode: 'restore' as const,
    });
    const edge = applyStrokes(
      mask,
      [
        restore(
          [
            [54, 10],
            [54, 70],
          ],
          24,
        ),
      ],
      1,
      photo,
    );
    for (const x of [44, 50, 54, 58]) expect(edge.data[40 * w + x]).toBeLessThan(10);
    const hole = applyStrokes(mask, [restore([[80, 40]], 16)], 1, photo);
    expect(hole.data[40 * w + 80]).toBeGreaterThan(245);
  });

  it('painting incrementally gives the same mask as applying the finished stroke', () => {
    const mask = full(80, 40, 255);
    const painter = new StrokePainter(mask, 0.5, null);
    painter.begin(erase([[20, 40]], { hardness: 0.3 }));
    painter.extend([[60, 40]]);
    painter.extend([
      [100, 50],
      [140, 40],
    ]);
    const stroke = painter.end()!;
    expect(stroke.points).toHaveLength(4);
    expect(Array.from(applyStrokes(full(80, 40, 255), [stroke], 0.5, null).data)).toEqual(
      Array.from(mask.data),
    );
  });
});

describe('undo stack', () => {
  it('undo, redo, and a new stroke clears redo; the engine gets committed + done', () => {
    const a = erase([[1, 1]]);
    const b = erase([[2, 2]]);
    const c = erase([[3, 3]]);
    const committed = [erase([[0, 0]])];
    let h = push(push(emptyHistory(committed), a), b);
    h = undo(h);
    expect(allStrokes(h)).toEqual([...committed, a]);
    h = redo(h);
    expect(allStrokes(h)).toEqual([...committed, a, b]);
    h = push(undo(h), c);
    expect(h.undone).toEqual([]);
    expect(allStrokes(h)).toEqual([...committed, a, c]);
    expect(undo(undo(undo(h))).done).toEqual([]);
  });
});

describe('preview session', () => {
  it('answers only the newest of several queued requests, and composes it from the latest mask', async () => {
    const { EditorSession } = await import('./session');
    const photo = newRgba(40, 20);
    photo.data.fill(255);
    const mask = newPlane(40, 20);
    const session = new EditorSession(photo, mask, 40, 20);
    const recipe = { feather: 0, edges: 'soft' as const, decontaminate: false };
    const first = session.compose(recipe);
    const replaced = session.compose({
      ...recipe,
      background: { type: 'color', color: { r: 1, g: 2, b: 3, a: 255 } },
    });
    mask.data.fill(255);
    session.setStrokes([]);
    // setStrokes rebuilds from the base mask (empty): paint the live mask again after it.
    mask.data.fill(255);
    const newest = session.compose({
      ...recipe,
      background: { type: 'color', color: { r: 9, g: 8, b: 7, a: 255 } },
    });
    const [a, b, c] = await Promise.all([first, replaced, newest]);
    session.close();
    expect(a).not.toBeNull();
    expect(b).toBeNull();
    expect(c).not.toBeNull();
    // The newest request saw the painted mask: the subject (white photo) covers the colour.
    expect(Array.from(c!.image.data.subarray(0, 4))).toEqual([255, 255, 255, 255]);
  });
});

describe('draft preview', () => {
  it('a half-size draft stands for the same full-resolution render', async () => {
    const { EditorSession } = await import('./session');
    const photo = newRgba(200, 100);
    photo.data.fill(255);
    const mask = newPlane(200, 100);
    for (let y = 20; y < 80; y++) for (let x = 50; x < 150; x++) mask.data[y * 200 + x] = 255;
    const session = new EditorSession(photo, mask, 2000, 1000);
    const recipe = {
      feather: 0,
      edges: 'soft' as const,
      decontaminate: true,
      background: { type: 'blur' as const, radius: 40 },
    };
    const full = (await session.compose(recipe))!;
    const draft = (await session.compose(recipe, { draft: true }))!;
    session.close();
    expect([draft.image.width, draft.image.height]).toEqual([100, 50]);
    expect([draft.outputWidth, draft.outputHeight]).toEqual([full.outputWidth, full.outputHeight]);
    expect(draft.image.data[(25 * 100 + 50) * 4 + 3]).toBe(255);
  });
});
