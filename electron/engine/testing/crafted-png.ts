/**
 * A PNG whose header claims width×height, followed by a little real compressed data: the opening of a
 * decompression bomb, for the tests that the decoder and the picture store refuse it by its header.
 */
import { deflateSync } from 'node:zlib';
import { pngChunk } from '../imaging/exif';

export function pngHeaderOnly(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc((width + 1) * 64))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
