/**
 * Test-only: unique bytes planted in a photo, and a search for them in every file under some folders,
 * raw and as Base64 at each of the three alignments a Base64 encoder can put them at (the store keeps
 * images as Base64 TEXT, so a copy inside the database is Base64 starting at any byte offset).
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A JPEG with `marker` in an APP11 segment right after SOI: decoders ignore it, sharp never copies it. */
export function plantMarker(jpeg: Buffer, marker: Buffer): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('plantMarker needs a JPEG');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(marker.length + 2);
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xeb]), length, marker, jpeg.subarray(2)]);
}

export function newMarker(): Buffer {
  return randomBytes(48);
}

/**
 * The needles that find `bytes` in a file: the raw bytes, and for each alignment k (the bytes start k
 * bytes into a 3-byte Base64 group) the Base64 and base64url text of the whole groups they fill.
 */
export function needles(bytes: Buffer): { label: string; needle: Buffer }[] {
  const out = [{ label: 'raw', needle: bytes }];
  for (let k = 0; k < 3; k++) {
    const skip = (3 - k) % 3;
    const whole = bytes.subarray(skip, skip + Math.floor((bytes.length - skip) / 3) * 3);
    out.push({ label: `base64@${k}`, needle: Buffer.from(whole.toString('base64')) });
    out.push({ label: `base64url@${k}`, needle: Buffer.from(whole.toString('base64url')) });
  }
  return out;
}

export interface Finding {
  file: string;
  how: string;
}

/**
 * Every regular file under `roots` (recursively; `exclude` prefixes skipped; files older than
 * `since` skipped when given) that contains `bytes` in any form of `needles`.
 */
export function findBytes(
  bytes: Buffer,
  roots: readonly string[],
  options: { exclude?: readonly string[]; since?: number } = {},
): Finding[] {
  const forms = needles(bytes);
  const found: Finding[] = [];
  const visit = (file: string): void => {
    if (options.exclude?.some((e) => file === e || file.startsWith(e + path.sep))) return;
    let stat;
    try {
      stat = lstatSync(file);
    } catch {
      return; // gone while we looked (another process's temp file)
    }
    if (stat.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(file);
      } catch {
        return;
      }
      for (const name of names) visit(path.join(file, name));
      return;
    }
    if (!stat.isFile() || (options.since !== undefined && stat.mtimeMs < options.since)) return;
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch {
      return;
    }
    for (const { label, needle } of forms) {
      if (content.includes(needle)) found.push({ file, how: label });
    }
  };
  for (const root of roots) visit(path.resolve(root));
  return found;
}

/** Every file under `root` (relative paths), to show what a profile holds when a search fails. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(path.relative(root, full));
    }
  };
  walk(root);
  return out.sort();
}
