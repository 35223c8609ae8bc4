import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixtures';
import { freeName, planOutputs, renderName } from './naming';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function temp(): string {
  const t = tempDir('atelier-naming-');
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('renderName', () => {
  it('fills {name}, {ext} and {model} and appends the extension when the template lacks it', () => {
    expect(renderName('{name}.{ext}', { input: '/a/photo one.jpg', format: 'png', model: 'u2netp' })).toBe(
      'photo one.png',
    );
    expect(renderName('{name}-{model}', { input: '/a/x.jpeg', format: 'webp', model: 'u2netp' })).toBe(
      'x-u2netp.webp',
    );
    expect(renderName('{name}.jpeg', { input: '/a/x.png', format: 'jpeg', model: 'm' })).toBe('x.jpeg');
  });

  it('refuses unknown placeholders and names with folders in them', () => {
    expect(() => renderName('{nme}.{ext}', { input: 'a.jpg', format: 'png', model: 'm' })).toThrow(/\{nme\}/);
    expect(() => renderName('../{name}', { input: 'a.jpg', format: 'png', model: 'm' })).toThrow(
      /invalid file name/,
    );
  });
});

describe('planOutputs', () => {
  it('applies skip, overwrite and suffix to existing outputs, and refuses output = input', () => {
    const dir = temp();
    const input = path.join(dir, 'a.png');
    writeFileSync(input, 'x');
    const out = path.join(dir, 'out');
    const files = [{ file: input, relativeDir: '' }];
    const existing = path.join(out, 'a.png');
    mkdirSync(out);
    writeFileSync(existing, 'old');
    const base = { outDir: out, template: '{name}.{ext}', format: 'png' as const, model: 'm' };
    expect(planOutputs(files, { ...base, onConflict: 'skip' })[0]).toMatchObject({
      status: 'skipped',
      output: existing,
    });
    expect(planOutputs(files, { ...base, onConflict: 'overwrite' })[0]).toMatchObject({
      status: 'pending',
      output: existing,
    });
    expect(planOutputs(files, { ...base, onConflict: 'suffix' })[0]).toMatchObject({
      status: 'pending',
      output: path.join(out, 'a-1.png'),
    });
    const refused = planOutputs(files, { ...base, outDir: dir, onConflict: 'overwrite' })[0];
    expect(refused?.status).toBe('failed');
    expect(refused?.error?.code).toBe('OUTPUT_IS_INPUT');
  });

  it('gives two inputs with the same name distinct outputs, and mirrors sub-folders', () => {
    const out = '/tmp/never-created-out';
    const planned = planOutputs(
      [
        { file: '/in/a.jpg', relativeDir: '' },
        { file: '/in/a.png', relativeDir: '' },
        { file: '/in/sub/deep/b.jpg', relativeDir: 'sub/deep' },
      ],
      { outDir: out, template: '{name}.{ext}', format: 'png', model: 'm', onConflict: 'skip' },
    );
    expect(planned.map((p) => p.output)).toEqual([
      path.join(out, 'a.png'),
      path.join(out, 'a-1.png'),
      path.join(out, 'sub/deep/b.png'),
    ]);
    expect(planned[1]?.note).toMatch(/same output name/);
  });

  it('freeName counts up until a name is free', () => {
    const taken = new Set(['/o/a-1.png', '/o/a-2.png']);
    expect(freeName('/o/a.png', (p) => taken.has(p))).toBe('/o/a-3.png');
  });
});
