import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../electron/engine/testing/fixtures';

describe("the atelier command's first line", () => {
  it('is one that npm’s Windows shim can run: env -S, NAME=VALUE pairs without a second "=", then node', () => {
    // npm writes a .cmd/.ps1 shim for every bin on Windows from this line: it takes leading NAME=VALUE
    // words as variables only when each has a single '='; anything else becomes the program to run
    // (a GLIBC_TUNABLES=a.b=1 word would be run as a command there, and `npx atelier` would fail).
    const first = readFileSync(path.join(repoRoot, 'bin', 'atelier.js'), 'utf8').split('\n')[0]!;
    const words = first.replace(/^#!\/usr\/bin\/env -S /, '').split(/\s+/);
    expect(first.startsWith('#!/usr/bin/env -S ')).toBe(true);
    expect(words.at(-1)).toBe('node');
    for (const word of words.slice(0, -1)) expect(word).toMatch(/^[A-Z_]+=[^=\s]+$/);
  });
});
