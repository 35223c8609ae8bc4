import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixtures';
import { writeFileAtomic } from './atomic-write';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function temp(): string {
  const t = tempDir('atelier-atomic-');
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary file', async () => {
    const dir = temp();
    const file = path.join(dir, 'deep', 'out é.png');
    await writeFileAtomic(file, Buffer.from('first'));
    await writeFileAtomic(file, Buffer.from('second'));
    expect(readFileSync(file, 'utf8')).toBe('second');
    expect(readdirSync(path.dirname(file))).toEqual(['out é.png']);
  });

  it('leaves what was there intact when the write cannot complete', async () => {
    const dir = temp();
    const blocked = path.join(dir, 'taken');
    mkdirSync(blocked);
    writeFileSync(path.join(blocked, 'keep.txt'), 'keep');
    await expect(writeFileAtomic(blocked, Buffer.from('x'))).rejects.toThrow();
    expect(readFileSync(path.join(blocked, 'keep.txt'), 'utf8')).toBe('keep');
    expect(readdirSync(dir)).toEqual(['taken']);
  });

  it('says which file cannot be written and what to do', async () => {
    const dir = temp();
    writeFileSync(path.join(dir, 'file'), 'x');
    await expect(writeFileAtomic(path.join(dir, 'file', 'out.png'), Buffer.from('x'))).rejects.toMatchObject({
      code: 'OUTPUT_NOT_WRITABLE',
      message: expect.stringContaining(path.join(dir, 'file', 'out.png')),
      hint: expect.stringContaining('--out'),
    });
  });
});
