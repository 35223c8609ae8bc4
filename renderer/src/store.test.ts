/**
 * The Studio store's hand-overs between photos (issue 19, "the item you see is the item you act on"),
 * against a stand-in for the API transport (the outside of the renderer): batches answer with ids,
 * history.get answers the item recorded for a generation.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { HistoryItem } from '../../electron/engine/api/contract';

const items = new Map<number, HistoryItem>();
let nextBatch = 1;
vi.mock('./api/client', () => ({
  api: {
    'files.expand': ({ paths }: { paths: string[] }) => Promise.resolve({ files: paths, rejected: [] }),
    'batch.estimate': () => Promise.resolve({ tokens: 1, freeLeft: 9, balance: null, enough: true }),
    'batch.start': ({ inputs }: { inputs: string[] }) =>
      Promise.resolve({ batchId: `b${nextBatch++}`, total: inputs.length, outputDir: '/out' }),
    'history.get': ({ id }: { id: number }) => Promise.resolve(items.get(id)),
    'settings.set': () => Promise.resolve({}),
  },
  errorText: (e: unknown) => String(e),
  pathForFile: (f: File) => Promise.resolve(f.name),
}));

const { useStore } = await import('./store');

function cutout(id: number, name: string, color: { r: number; g: number; b: number }): HistoryItem {
  const item = {
    id,
    operation: 'cutout',
    status: 'done',
    error: null,
    inputName: name,
    inputImageId: id * 10,
    outputImageId: id * 10 + 1,
    inputPurged: false,
    privacyMode: false,
    outputExpired: false,
    createdAt: '2026-12-05T10:00:00Z',
    expiresAt: null,
    pinned: false,
    model: 'u2netp',
    provider: 'cpu',
    tokensSpent: 1,
    params: { edges: 'soft', background: { type: 'color', color: { ...color, a: 255 } }, format: 'png' },
    timings: {},
    sourceGenerationId: null,
    batchId: null,
    maskImageId: id * 10 + 2,
    versionOf: null,
    versions: 0,
    latestOutputImageId: null,
    canRerender: true,
    rerenderBlockedReason: null,
  } satisfies HistoryItem;
  items.set(id, item);
  return item;
}

const done = (batchId: string, input: string, generationId: number) =>
  useStore.getState().onItem({
    batchId,
    itemId: input,
    input,
    stage: 'finished',
    status: 'done',
    output: `/out/${input}`,
    generationId,
    error: null,
    provider: 'cpu',
    fallbackReason: null,
  });

const settle = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  useStore.setState({ queue: [], selected: null, selectedItemId: null, openingKey: null, ownBatches: [] });
});

describe('the item you see is the item you act on', () => {
  it('a second drop opens the new photo, not the one shown before', async () => {
    const a = cutout(1, 'a.jpg', { r: 0, g: 0, b: 255 });
    await useStore.getState().startBatch(['/photos/a.jpg']);
    done('b1', '/photos/a.jpg', a.id);
    await settle();
    expect(useStore.getState().selected?.id).toBe(1);

    cutout(2, 'b.jpg', { r: 255, g: 0, b: 0 });
    await useStore.getState().startBatch(['/photos/b.jpg']);
    // While B is working, nothing of A is shown, so Save or the brush cannot act on A.
    expect(useStore.getState().selected).toBeNull();
    expect(useStore.getState().queue.find((q) => q.key === useStore.getState().openingKey)?.name).toBe(
      'b.jpg',
    );
    done('b2', '/photos/b.jpg', 2);
    await settle();
    expect(useStore.getState().selected?.id).toBe(2);
    // The panel shows B's own recipe (red), not A's.
    expect(useStore.getState().recipe.background).toEqual({
      type: 'color',
      color: { r: 255, g: 0, b: 0, a: 255 },
    });
  });

  it('the first of a dropped batch opens, later ones do not take the viewer away', async () => {
    cutout(3, 'c.jpg', { r: 1, g: 2, b: 3 });
    cutout(4, 'd.jpg', { r: 4, g: 5, b: 6 });
    await useStore.getState().startBatch(['/p/c.jpg', '/p/d.jpg']);
    const batch = useStore.getState().ownBatches.at(-1)!;
    done(batch, '/p/d.jpg', 4);
    await settle();
    expect(useStore.getState().selected).toBeNull();
    done(batch, '/p/c.jpg', 3);
    await settle();
    expect(useStore.getState().selected?.id).toBe(3);
  });

  it("another window's batch never opens in this window", async () => {
    cutout(5, 'e.jpg', { r: 0, g: 0, b: 0 });
    done('someone-else', '/p/e.jpg', 5);
    await settle();
    expect(useStore.getState().selected).toBeNull();
    expect(useStore.getState().queue).toHaveLength(1);
  });

  it('↑/↓ move through the finished rows and the panel follows', async () => {
    const f = cutout(6, 'f.jpg', { r: 10, g: 10, b: 10 });
    const g = cutout(7, 'g.jpg', { r: 20, g: 20, b: 20 });
    useStore.setState({
      queue: [
        { key: 'g', batchId: null, input: 'g.jpg', name: 'g.jpg', folder: null, status: 'done', item: g },
        { key: 'f', batchId: null, input: 'f.jpg', name: 'f.jpg', folder: null, status: 'done', item: f },
      ],
    });
    useStore.getState().select(g);
    useStore.getState().selectNext(1);
    expect(useStore.getState().selected?.id).toBe(6);
    expect((useStore.getState().recipe.background as { color: { r: number } }).color.r).toBe(10);
    useStore.getState().selectNext(1);
    expect(useStore.getState().selected?.id).toBe(6);
    useStore.getState().selectNext(-1);
    expect(useStore.getState().selected?.id).toBe(7);
  });
});
