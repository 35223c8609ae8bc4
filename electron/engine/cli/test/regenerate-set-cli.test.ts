/**
 * `atelier history regenerate ID --set key=value` through the real CLI process: composition changes
 * (the cutout flags' spec strings) re-render from the stored mask for free, as versions of the item;
 * a model setting change is a charged run; a bad spec is a usage error naming the field; an existing
 * --out file is replaced only with --force.
 */
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDay } from '../../account/wallet';
import { openProfile } from '../../profile';
import { Store } from '../../store';
import { tempDir } from '../../testing/fixtures';
import { buildCli, runCli, smallPhoto } from './harness';

const work = tempDir('atelier-regen-set-');
const profile = path.join(work.dir, 'profile');
beforeAll(() => buildCli(), 180_000);
afterAll(() => work.cleanup());

function readStore<T>(read: (s: Store) => T): T {
  const store = Store.open(openProfile(profile), { sweep: false });
  try {
    return read(store);
  } finally {
    store.close();
  }
}
const quotaUsed = () => readStore((s) => s.ledger.quotaUsed(s.currentAccountId, localDay(new Date())));

describe('atelier history regenerate --set', () => {
  it('re-renders composition changes for free as versions; a model setting change is charged', async () => {
    const photo = await smallPhoto('car-1', path.join(work.dir, 'car.jpg'), 400);
    const cut = await runCli(['cutout', photo, '--out', path.join(work.dir, 'out'), '--profile', profile]);
    expect(cut.code, cut.stderr).toBe(0);
    const id = readStore((s) => s.history({ limit: 1 }).items[0]!.id);
    const maskId = readStore((s) =>
      s.db.prepare('SELECT mask_image_id FROM item_edits').pluck().get(),
    ) as number;
    const mask = await sharp(readStore((s) => s.image(maskId).bytes))
      .extractChannel(0)
      .raw()
      .toBuffer();
    const bg = mask.findIndex((v) => v === 0);
    const quota = quotaUsed();

    const red = path.join(work.dir, 'red.png');
    const r1 = await runCli([
      'history',
      'regenerate',
      String(id),
      '--out',
      red,
      '--set',
      'background=#ff0000',
      '--profile',
      profile,
    ]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stdout).toMatch(
      /Re-rendered item \d+ from its stored mask as version \d+ \(no model run, 0 tokens\)/,
    );
    const px = await sharp(red).removeAlpha().raw().toBuffer();
    expect([...px.subarray(bg * 3, bg * 3 + 3)]).toEqual([255, 0, 0]);

    const product = path.join(work.dir, 'amazon.jpg');
    const r2 = await runCli([
      'history',
      'regenerate',
      String(id),
      '--out',
      product,
      '--set',
      'background=linear:#fff,#ddd,180',
      '--set',
      'shadow=soft',
      '--set',
      'canvas=amazon',
      '--set',
      'format=jpeg',
      '--json',
      '--profile',
      profile,
    ]);
    expect(r2.code, r2.stderr).toBe(0);
    const row = r2.json[r2.json.length - 1] as {
      versionOf: number;
      tokensSpent: number;
      params: { canvas: object };
    };
    expect(row.versionOf).toBe(id);
    expect(row.tokensSpent).toBe(0);
    expect(row.params.canvas).toMatchObject({ width: 2000, height: 2000 });
    const meta = await sharp(product).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 2000, 2000]);

    const blur = path.join(work.dir, 'blur.webp');
    const r3 = await runCli([
      'history',
      'regenerate',
      String(id),
      '--out',
      blur,
      '--set',
      'background=blur:24',
      '--set',
      'format=webp',
      '--profile',
      profile,
    ]);
    expect(r3.code, r3.stderr).toBe(0);
    expect(quotaUsed()).toBe(quota); // three re-renders, nothing spent
    expect(
      readStore((s) => s.db.prepare('SELECT count(*) FROM item_versions WHERE root_id = ?').pluck().get(id)),
    ).toBe(3);

    const r4 = await runCli([
      'history',
      'regenerate',
      String(id),
      '--out',
      path.join(work.dir, 'norefine.png'),
      '--set',
      'refine=false',
      '--profile',
      profile,
    ]);
    expect(r4.code, r4.stderr).toBe(0);
    expect(r4.stdout).toMatch(/Regenerated item \d+ as item \d+/);
    expect(quotaUsed()).toBe(quota + 1);

    const bad = await runCli([
      'history',
      'regenerate',
      String(id),
      '--out',
      path.join(work.dir, 'bad.png'),
      '--set',
      'background=linear:#fff',
      '--profile',
      profile,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/background: .*needs two colours/);
    expect(quotaUsed()).toBe(quota + 1);

    // An existing file is never replaced by accident: refused before any model run, kept as it was.
    const before = await sharp(red).raw().toBuffer();
    const refusedArgs = ['history', 'regenerate', String(id), '--out', red, '--set', 'refine=true'];
    const refused = await runCli([...refusedArgs, '--profile', profile]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Refusing to replace an existing file .*red\.png/);
    expect(refused.stderr).toMatch(/--force/);
    expect(quotaUsed()).toBe(quota + 1);
    expect((await sharp(red).raw().toBuffer()).equals(before)).toBe(true);
    const forced = await runCli([
      ...refusedArgs,
      '--set',
      'background=#0000ff',
      '--force',
      '--profile',
      profile,
    ]);
    expect(forced.code, forced.stderr).toBe(0);
    expect((await sharp(red).raw().toBuffer()).equals(before)).toBe(false);
  }, 240_000);
});
