import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { PRIVACY_SECTIONS } from '../renderer/src/components/privacy-text';
import { privacyMarkdown } from './privacy-doc';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('the Privacy page and PRIVACY.md', () => {
  it('say the same statements (PRIVACY.md is written from the page: npx tsx scripts/privacy-doc.ts)', () => {
    expect(readFileSync(path.join(root, 'PRIVACY.md'), 'utf8')).toBe(privacyMarkdown());
  });

  it('show the page in plain words (the technical detail is in PRIVACY.md only)', () => {
    const technical = /base64|write-ahead|\bWAL\b|SQLite|SHA-256|\bURL\b|CUDA|onnxruntime/i;
    const page = PRIVACY_SECTIONS.flatMap((s) => [s.title, ...s.statements.map((t) => t.text)]);
    expect(page.filter((text) => technical.test(text))).toEqual([]);
  });

  it('name, for every statement, test files that exist', () => {
    const missing = PRIVACY_SECTIONS.flatMap((s) => s.statements)
      .flatMap((s) => (s.proof.length === 0 ? [`(none) for: ${s.text}`] : s.proof))
      .filter((p) => p.startsWith('(none)') || !existsSync(path.join(root, p)));
    expect(missing).toEqual([]);
  });
});
