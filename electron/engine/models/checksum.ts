/**
 * One check of a model file against its manifest entry, used by the registry (before a load), the
 * installer (before a download is kept) and `npm run models`: size first (cheap), then the digest the
 * manifest pins — sha256, or md5 where the upstream publishes only that (rembg pins BiRefNet by md5).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ModelEntry } from './manifest';

export function digestFile(file: string, algorithm: 'sha256' | 'md5'): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash(algorithm);
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** What is wrong with `file` as `entry`'s weights, in words; undefined when it checks out. */
export async function modelFileProblem(file: string, entry: ModelEntry): Promise<string | undefined> {
  const size = (await stat(file)).size;
  if (entry.bytes !== null && size !== entry.bytes) return `has ${size} bytes, expected ${entry.bytes}`;
  if (entry.sha256) {
    const digest = await digestFile(file, 'sha256');
    if (digest !== entry.sha256) return `fails its sha256 check (${digest}, expected ${entry.sha256})`;
  } else if (entry.md5) {
    const digest = await digestFile(file, 'md5');
    if (digest !== entry.md5) return `fails its md5 check (${digest}, expected ${entry.md5})`;
  }
  return undefined;
}
