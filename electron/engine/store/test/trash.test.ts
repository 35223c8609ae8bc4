/**
 * Delete with Undo in the store: a trashed item (with its versions) leaves every query and comes back
 * with Undo; its deletion is emptied after the window, when the store closes (quit), or at the next
 * open after a crash — then the rows and their images are gone from the file. Privacy mode deletes at
 * once and empties what waits.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { profilePaths } from '../../profile';
import { Store } from '../store';
import { greyOf, openTempStore, smallPhoto } from './helpers';

async function cutout(store: Store, name: string, tint: number, versionOf?: number) {
  const input = await smallPhoto(64, tint);
  return store.recordGeneration({
    operation: 'cutout',
    params: { format: 'png' },
    status: 'done',
    inputName: name,
    input: { bytes: input },
    output: { bytes: await greyOf(await smallPhoto(64, tint + 7)) },
    ...(versionOf ? { edit: { versionOf } } : {}),
  });
}

const rawCount = (store: Store, table: string) =>
  store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('the trash behind Delete with Undo', () => {
  it('hides an item and its versions from every query; Undo puts them back', async () => {
    const { store, cleanup } = openTempStore();
    try {
      const lamp = await cutout(store, 'lamp.jpg', 10);
      await cutout(store, 'lamp.jpg', 20, lamp.id);
      const chair = await cutout(store, 'chair.jpg', 30);
      const trashed = store.trash([lamp.id], 60_000);
      expect(trashed).not.toBeNull();
      expect(store.history().items.map((i) => i.inputName)).toEqual(['chair.jpg']);
      expect(store.count()).toBe(1);
      expect(store.summary().total).toBe(1);
      expect(() => store.getGeneration(lamp.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
      expect(store.restoreTrash(trashed!.deletionId)).toBe(1);
      expect(store.count()).toBe(3);
      expect(store.getGeneration(lamp.id).inputName).toBe('lamp.jpg');
      // Undo twice: nothing left to put back.
      expect(() => store.restoreTrash(trashed!.deletionId)).toThrow(
        expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringContaining('too late') }),
      );
      expect(store.getGeneration(chair.id).id).toBe(chair.id);
    } finally {
      cleanup();
    }
  });

  it('an export made while an item waits in the trash leaves it out, masks and versions too', async () => {
    const { store, dir, cleanup } = openTempStore();
    try {
      const lamp = await cutout(store, 'lamp.jpg', 15);
      await cutout(store, 'lamp.jpg', 25, lamp.id);
      const chair = await cutout(store, 'chair.jpg', 35);
      store.trash([lamp.id], 60_000);
      const out = path.join(path.dirname(dir), `${path.basename(dir)}-export.zip`);
      try {
        await store.exportHistory(out);
        const zip = unzipSync(readFileSync(out));
        const history = JSON.parse(strFromU8(zip['history.json']!)) as { generations: { id: number }[] };
        expect(history.generations.map((g) => g.id)).toEqual([chair.id]);
        const edits = JSON.parse(strFromU8(zip['edits.json']!)) as {
          edits: { generationId: number }[];
          versions: { rootId: number }[];
        };
        expect(edits.edits.map((e) => e.generationId)).not.toContain(lamp.id);
        expect(edits.versions).toEqual([]);
      } finally {
        rmSync(out, { force: true });
      }
    } finally {
      cleanup();
    }
  });

  it('empties a deletion after its window: rows and images gone for good', async () => {
    const { store, cleanup } = openTempStore();
    try {
      const lamp = await cutout(store, 'lamp.jpg', 40);
      await cutout(store, 'lamp.jpg', 50, lamp.id);
      const images = rawCount(store, 'images');
      const trashed = store.trash([lamp.id], 50);
      expect(rawCount(store, 'generations')).toBe(2);
      await new Promise((r) => setTimeout(r, 300));
      expect(rawCount(store, 'generations')).toBe(0);
      expect(rawCount(store, 'trash')).toBe(0);
      expect(rawCount(store, 'images')).toBeLessThan(images);
      expect(() => store.restoreTrash(trashed!.deletionId)).toThrow(
        expect.objectContaining({ code: 'NOT_FOUND' }),
      );
    } finally {
      cleanup();
    }
  });

  it('at quit the trash is emptied; after a crash, the next open empties it', async () => {
    const { store, dir, cleanup } = openTempStore();
    try {
      const lamp = await cutout(store, 'lamp.jpg', 60);
      store.trash([lamp.id], 60_000);
      store.close();
      const reopened = Store.open(profilePaths(dir));
      expect(rawCount(reopened, 'generations')).toBe(0);
      // A crash: a deletion older than the window that nobody emptied.
      const chair = await cutout(reopened, 'chair.jpg', 70);
      reopened.db
        .prepare(
          "INSERT INTO trash (generation_id, deletion_id, head, trashed_at) VALUES (?, 'crashed', 1, ?)",
        )
        .run(chair.id, new Date(Date.now() - 3_600_000).toISOString());
      reopened.db.close(); // no close(): as a killed process leaves it
      const third = Store.open(profilePaths(dir));
      expect(rawCount(third, 'generations')).toBe(0);
      third.close();
    } finally {
      cleanup();
    }
  });

  it('privacy mode deletes at once and empties what waits in the trash', async () => {
    const { store, cleanup } = openTempStore();
    try {
      const lamp = await cutout(store, 'lamp.jpg', 80);
      const chair = await cutout(store, 'chair.jpg', 90);
      store.trash([lamp.id], 60_000);
      store.setPrivacyMode(true);
      expect(rawCount(store, 'generations')).toBe(1);
      expect(store.trash([chair.id], 60_000)).toBeNull();
      expect(rawCount(store, 'generations')).toBe(0);
    } finally {
      cleanup();
    }
  });
});
