import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../../testing/fixtures';
import { Store } from '../store';
import { greyOf, smallPhoto } from './helpers';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

/** Runs the real CLI entry (through tsx, as `npm run cli` would after a build). */
function atelier(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'electron/engine/cli.ts'), ...args],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, ATELIER_HOME: '' },
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function seededProfile(): Promise<{ profile: string; out: string; ids: number[] }> {
  const p = tempDir('atelier-cli-profile-');
  const o = tempDir('atelier-cli-out-');
  cleanups.push(p.cleanup, o.cleanup);
  const store = Store.open({ database: path.join(p.dir, 'atelier.db') });
  const ids: number[] = [];
  try {
    const photo = await smallPhoto(40);
    for (const [i, op] of ['cutout', 'stylize', 'cutout'].entries()) {
      const row = await store.recordGeneration({
        operation: op,
        params: { i },
        model: 'u2netp',
        provider: 'cpu',
        status: 'done',
        inputName: `shoe-${i}.jpg`,
        input: { bytes: photo },
        output: { bytes: await greyOf(photo) },
      });
      ids.push(row.id);
    }
    store.setPrivacyMode(true);
    ids.push(
      (
        await store.recordGeneration({
          operation: 'cutout',
          params: {},
          status: 'done',
          input: { bytes: photo },
        })
      ).id,
    );
  } finally {
    store.close();
  }
  return { profile: p.dir, out: o.dir, ids };
}

describe('atelier history', () => {
  it('lists, filters, shows, exports, backs up and deletes through the command line', async () => {
    const { profile, out, ids } = await seededProfile();
    const list = atelier('history', 'list', '--profile', profile);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+CREATED \(UTC\)\s+OPERATION/);
    expect(list.stdout).toMatch(/shoe-1\.jpg/);
    expect(list.stdout).toMatch(/4 shown of 4/);

    const json = atelier(
      'history',
      'list',
      '--operation',
      'cutout',
      '--search',
      'shoe',
      '--json',
      '--profile',
      profile,
    );
    const parsed = JSON.parse(json.stdout) as { total: number; items: { id: number; inputName: string }[] };
    expect(parsed.total).toBe(2);
    expect(parsed.items.map((i) => i.inputName)).toEqual(['shoe-2.jpg', 'shoe-0.jpg']);

    const paged = JSON.parse(
      atelier('history', 'list', '--limit', '3', '--json', '--profile', profile).stdout,
    ) as {
      nextCursor: string;
    };
    const rest = JSON.parse(
      atelier('history', 'list', '--limit', '3', '--cursor', paged.nextCursor, '--json', '--profile', profile)
        .stdout,
    ) as { items: { id: number }[]; nextCursor: null };
    expect(rest.items.map((i) => i.id)).toEqual([ids[0]]);

    const saved = path.join(out, 'input.png');
    const show = atelier('history', 'show', String(ids[1]), '--save-input', saved, '--profile', profile);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/operation\s+stylize/);
    expect(show.stdout).toMatch(/input\s+40×\d+ image\/png/);
    expect(readFileSync(saved).subarray(1, 4).toString()).toBe('PNG');
    // Round 3, same shape as finding 3: a file already there is replaced only with --force.
    writeFileSync(saved, 'the user’s file');
    const again = atelier('history', 'show', String(ids[1]), '--save-input', saved, '--profile', profile);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/Refusing to replace an existing file/);
    expect(readFileSync(saved, 'utf8')).toBe('the user’s file');
    const forced = atelier(
      'history',
      'show',
      String(ids[1]),
      '--save-input',
      saved,
      '--force',
      '--profile',
      profile,
    );
    expect(forced.code).toBe(0);
    expect(readFileSync(saved).subarray(1, 4).toString()).toBe('PNG');

    const zip = path.join(out, 'h.zip');
    expect(atelier('history', 'export', zip, '--profile', profile).code).toBe(0);
    expect(Object.keys(unzipSync(readFileSync(zip)))).toContain('history.json');
    const inside = atelier('history', 'export', path.join(profile, 'h.zip'), '--profile', profile);
    expect(inside.code).toBe(2);
    expect(inside.stderr).toMatch(/inside the profile folder/);

    const backup = path.join(out, 'copy.db');
    expect(atelier('history', 'backup', backup, '--profile', profile).code).toBe(0);
    expect(existsSync(backup)).toBe(true);

    const accounts = atelier('history', 'accounts', '--profile', profile);
    expect(accounts.stdout).toMatch(/^\* local\s+4 items\s+anonymous/);

    const del = atelier('history', 'delete', String(ids[0]), '--profile', profile);
    expect(del.code).toBe(0);
    const missing = atelier('history', 'show', String(ids[0]), '--profile', profile);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No history item \d+ for this account — list items/);
  }, 180_000);

  it('explains why a privacy-mode item cannot be regenerated, and rejects bad usage with exit 1', async () => {
    const { profile, ids } = await seededProfile();
    const regen = atelier(
      'history',
      'regenerate',
      String(ids[3]),
      '--out',
      '/tmp/x.png',
      '--profile',
      profile,
    );
    expect(regen.code).toBe(2);
    expect(regen.stderr).toMatch(/privacy mode was on/);
    const bad = atelier('history', 'show', 'abc', '--profile', profile);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/ID must be a history item number/);
    expect(atelier('history', 'frobnicate', '--profile', profile).stderr).toMatch(/unknown subcommand/);
  }, 120_000);
});
