/**
 * The preview session and one-click fixes: add-part / remove-part strokes are computed by the engine
 * only, so the session never rebuilds a list holding one itself, and shows the engine's mask instead.
 */
import { describe, expect, it } from 'vitest';
import { newPlane, newRgba } from '../../../electron/engine/compose/core';
import type { Stroke } from './brush';
import type { PreviewPort } from './preview-port';
import { recipeFromParams } from './recipe';
import { EditorSession } from './session';

function recordingPort(): PreviewPort & { sent: string[] } {
  const sent: string[] = [];
  return { sent, post: (message) => sent.push(message.type), onReply: null, close: () => undefined };
}

const stroke = (mode: Stroke['mode']): Stroke => ({
  mode,
  edgeAware: false,
  size: 4,
  hardness: 1,
  points: [[5, 5]],
});

function session() {
  const mask = newPlane(10, 10);
  mask.data.fill(255);
  const port = recordingPort();
  return { s: new EditorSession(newRgba(10, 10), mask, 10, 10, port), port };
}

describe('EditorSession with part strokes', () => {
  it('rebuilds a brush-only list, and leaves the mask alone for a list with a part stroke', () => {
    const { s } = session();
    s.setStrokes([stroke('erase')]);
    expect(s.mask.data[5 * 10 + 5]).toBe(0);
    s.setStrokes([]);
    expect(s.mask.data[5 * 10 + 5]).toBe(255);
    s.setStrokes([stroke('erase'), stroke('add-part')]);
    expect(s.mask.data[5 * 10 + 5]).toBe(255);
  });

  it("shows the engine's mask and sends it to the preview worker with the next composition", () => {
    const { s, port } = session();
    const engine = newPlane(10, 10);
    engine.data.fill(7);
    expect(s.replaceMask(engine)).toBe(true);
    expect([...new Set(s.mask.data)]).toEqual([7]);
    void s.compose(recipeFromParams({}));
    expect(port.sent.slice(-2)).toEqual(['mask', 'compose']);
    // A mask of another size is refused, changing nothing.
    expect(s.replaceMask(newPlane(5, 5))).toBe(false);
    expect(s.mask.data[0]).toBe(7);
  });
});
