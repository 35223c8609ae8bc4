import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AtelierError } from './errors';
import { defaultProfileDir, openProfile, resolveProfileDir } from './profile';
import { Store } from './store';
import { tempDir } from './testing/fixtures';

describe('profile directory', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  it('prefers --profile over ATELIER_HOME over the OS default', () => {
    expect(resolveProfileDir('/tmp/a', { ATELIER_HOME: '/tmp/b' })).toBe('/tmp/a');
    expect(resolveProfileDir(undefined, { ATELIER_HOME: '/tmp/b' })).toBe('/tmp/b');
    expect(resolveProfileDir(undefined, { XDG_CONFIG_HOME: '/tmp/x' })).toBe(path.join('/tmp/x', 'atelier'));
  });

  it('uses each OS application-data location', () => {
    expect(defaultProfileDir('win32', { APPDATA: 'C:\\Users\\d\\AppData\\Roaming' })).toContain('Atelier');
    expect(defaultProfileDir('darwin', {})).toMatch(/Library\/Application Support\/Atelier$/);
    expect(defaultProfileDir('linux', { XDG_CONFIG_HOME: '/home/d/.config' })).toBe(
      '/home/d/.config/atelier',
    );
  });

  it('creates the folder and lays out its files', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const paths = openProfile(path.join(dir, 'nested', 'profile'));
    expect(existsSync(paths.root)).toBe(true);
    expect(paths.database).toBe(path.join(paths.root, 'atelier.db'));
    expect(paths.customModels).toBe(path.join(paths.root, 'models'));
  });

  it('refuses a profile path that cannot be created, naming it', () => {
    // A path below a regular file cannot be a folder for anyone, root included (chmod would not stop root).
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = path.join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const target = path.join(file, 'profile');
    expect(() => openProfile(target)).toThrow(AtelierError);
    expect(() => openProfile(target)).toThrow(target);
  });

  it.skipIf(process.platform === 'win32')(
    'finding 11: the profile folder is 0700 and atelier.db 0600 (new and existing profiles)',
    () => {
      const { dir, cleanup } = tempDir();
      cleanups.push(cleanup);
      const mode = (f: string) => statSync(f).mode & 0o777;
      const fresh = openProfile(path.join(dir, 'fresh'));
      const store = Store.open(fresh);
      store.close();
      expect(mode(fresh.root)).toBe(0o700);
      expect(mode(fresh.database)).toBe(0o600);
      // A profile made by an older version, world-readable: tightened when opened.
      const old = path.join(dir, 'old');
      mkdirSync(old, { mode: 0o755 });
      chmodSync(old, 0o755);
      writeFileSync(path.join(old, 'atelier.db'), '');
      chmodSync(path.join(old, 'atelier.db'), 0o644);
      const reopened = openProfile(old);
      Store.open(reopened).close();
      expect(mode(old)).toBe(0o700);
      expect(mode(reopened.database)).toBe(0o600);
    },
  );
});
