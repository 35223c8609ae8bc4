/**
 * The one ZIP writer of the data export and the deliverables: a complete file or nothing. A failure
 * part way (here a read that throws, as a damaged stored image would) leaves no `.partial` and no
 * profile note behind, and a file that appears at the destination meanwhile is never replaced.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync, ZipPassThrough } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { AtelierError } from '../../errors';
import { tempDir } from '../../testing/fixtures';
import { writeZipFile, type ZipFileOptions } from '../zip-file';

const work = tempDir('atelier-zip-file-');
afterAll(() => work.cleanup());
const profileRoot = path.join(work.dir, 'profile');
mkdirSync(profileRoot);

const options = (overwrite = false): ZipFileOptions => ({
  profileRoot,
  overwrite,
  cannotOpen: (cause) => new AtelierError('OUTPUT_NOT_WRITABLE', 'cannot open', { cause }),
  cannotWrite: (cause) => new AtelierError('OUTPUT_NOT_WRITABLE', 'cannot write', { cause }),
});

const notes = () =>
  existsSync(path.join(profileRoot, 'partials')) ? readdirSync(path.join(profileRoot, 'partials')) : [];

function addFile(zip: { add(entry: ZipPassThrough): void }, name: string, text: string) {
  const entry = new ZipPassThrough(name);
  zip.add(entry);
  entry.push(new TextEncoder().encode(text), true);
}

describe('writeZipFile', () => {
  it('publishes a complete ZIP and counts its bytes', async () => {
    const dest = path.join(work.dir, 'ok.zip');
    const { value, bytes } = await writeZipFile(dest, options(), async (zip, check) => {
      addFile(zip, 'a.txt', 'first');
      check();
      addFile(zip, 'b.txt', 'second');
      return 2;
    });
    expect(value).toBe(2);
    expect(bytes).toBe(readFileSync(dest).length);
    const files = unzipSync(readFileSync(dest));
    expect(new TextDecoder().decode(files['b.txt'])).toBe('second');
    expect(existsSync(`${dest}.partial`)).toBe(false);
    expect(notes()).toEqual([]);
  });

  it('a failure part way leaves neither the file nor its partial nor the profile note', async () => {
    const dest = path.join(work.dir, 'failed.zip');
    const write = writeZipFile(dest, options(), async (zip) => {
      addFile(zip, 'a.txt', 'written');
      expect(existsSync(`${dest}.partial`)).toBe(true);
      expect(notes()).toHaveLength(1);
      throw new Error('stored image unreadable');
    });
    await expect(write).rejects.toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', message: 'cannot write' });
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.partial`)).toBe(false);
    expect(notes()).toEqual([]);
  });

  it('never replaces a file that appeared at the destination while writing, unless asked', async () => {
    const dest = path.join(work.dir, 'raced.zip');
    const write = writeZipFile(dest, options(), async (zip) => {
      addFile(zip, 'a.txt', 'ours');
      writeFileSync(dest, 'theirs');
    });
    await expect(write).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(readFileSync(dest, 'utf8')).toBe('theirs');
    expect(existsSync(`${dest}.partial`)).toBe(false);

    await writeZipFile(dest, options(true), async (zip) => addFile(zip, 'a.txt', 'ours'));
    expect(Object.keys(unzipSync(readFileSync(dest)))).toEqual(['a.txt']);
  });

  it('a destination folder that cannot be created is the open error, with no note left', async () => {
    const blocker = path.join(work.dir, 'a-file');
    writeFileSync(blocker, '');
    const dest = path.join(blocker, 'inside', 'x.zip');
    const write = writeZipFile(dest, { ...options(), createFolder: true }, async () => undefined);
    await expect(write).rejects.toMatchObject({ message: 'cannot open' });
    expect(notes()).toEqual([]);
  });
});
