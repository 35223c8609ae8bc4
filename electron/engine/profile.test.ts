import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AtelierError } from './errors';
import { defaultProfileDir, openProfile, resolveProfileDir } from './profile';
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
});
