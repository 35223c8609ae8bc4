/**
 * Preview frames go back to the worker: when a newer composition replaces the one shown, the old
 * one's buffers are transferred back and the next composition is drawn into that memory instead of
 * fresh pages. Runs the session over its in-thread port, which transfers as a Worker does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { newPlane, newRgba } from '../../../electron/engine/compose/core';
import { releaseScratch, scratchHeld } from '../../../electron/engine/compose/core/scratch';
import type { Recipe } from './recipe';
import { EditorSession } from './session';

/** Over the scratch store's floor (4 MB per RGBA frame), so frames are worth keeping. */
const W = 1100;
const H = 1000;

const colour = (r: number): Recipe => ({
  feather: 0,
  edges: 'soft',
  decontaminate: false,
  background: { type: 'color', color: { r, g: 40, b: 40, a: 255 } },
});

/** Lets the in-thread port run what was posted (it answers on a later task). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('preview frames', () => {
  afterEach(() => releaseScratch());

  it('hands a replaced frame back to the worker, which composes the next one into it', async () => {
    const photo = newRgba(W, H);
    photo.data.fill(200);
    const mask = newPlane(W, H);
    for (let y = 300; y < 700; y++) mask.data.fill(255, y * W + 300, y * W + 800);
    const session = new EditorSession(photo, mask, W, H);
    const first = (await session.compose(colour(10), { withBefore: true }))!;
    expect(first.image.data.length).toBe(W * H * 4);
    // Unframed, the "before" is the editor's own photo: never handed over.
    expect(first.before).toBe(session.original);
    releaseScratch();

    const second = (await session.compose(colour(20), { withBefore: true }))!;
    await settle();
    // The first frame's image and backdrop went back (detached here) and wait in the worker's store.
    expect(first.image.data.length).toBe(0);
    expect(first.backdrop!.data.length).toBe(0);
    expect(scratchHeld()).toEqual({ buffers: 2, bytes: 2 * W * H * 4 });
    expect(session.original.data.length).toBe(W * H * 4);
    expect(second.image.data[0]).toBe(20);

    // The third frame takes that memory (nothing fresh), and shows its own colour.
    const third = (await session.compose(colour(30), { withBefore: true }))!;
    expect(third.image.data[0]).toBe(30);
    expect(second.image.data[0]).toBe(undefined);
    await settle();
    expect(scratchHeld().buffers).toBe(2);
    session.close();
  });
});
