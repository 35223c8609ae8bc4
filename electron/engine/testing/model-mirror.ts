/**
 * A studio's model mirror for tests: a real HTTP server on 127.0.0.1 serving generated model files
 * slowly enough that progress can be watched (and an install cancelled), plus a manifest entry for
 * each file. Never the internet: catalog files are 44–220 MB and cannot be fetched here.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { channelMeanModel } from './style-onnx';

/**
 * A working matte stand-in (channel mean, 320×320 like U²-Net) padded to about `bytes` with a long
 * ONNX doc_string (field 6 of ModelProto; fields may come in any order), so a download has many chunks.
 */
export function paddedMatteModel(bytes: number): Buffer {
  const model = channelMeanModel('input', 'mask', 320, 320);
  const length = Math.max(1, bytes - model.length - 6);
  const varint: number[] = [];
  for (let v = length; ; v = Math.floor(v / 128)) {
    if (v <= 0x7f) {
      varint.push(v);
      break;
    }
    varint.push((v & 0x7f) | 0x80);
  }
  return Buffer.concat([model, Buffer.from([(6 << 3) | 2, ...varint]), Buffer.alloc(length, 0x20)]);
}

/** A manifest entry for a file of this mirror, following U²-Net's contract. */
export function mirrorEntry(id: string, weights: Buffer, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `Test matte ${id}`,
    task: 'matte',
    file: `${id}.onnx`,
    sha256: createHash('sha256').update(weights).digest('hex'),
    bytes: weights.length,
    license: 'MIT',
    commercialUse: true,
    bundle: false,
    url: null,
    summary: `A generated stand-in (${id}) served by a local mirror.`,
    input: { name: 'input', size: { width: 320, height: 320 }, layout: 'NCHW', range: [0, 1] },
    output: { name: 'mask', meaning: 'alpha', layout: 'NCHW', range: [0, 1], normalize: 'minmax' },
    ...extra,
  };
}

export interface MirrorFile {
  body: Buffer;
  /** Bytes per write and the pause between writes (default 64 KiB, 20 ms). */
  chunk?: number;
  delayMs?: number;
  /** Send this many bytes, then stall until the client goes away. */
  stallAfter?: number;
}

export interface ModelMirror {
  /** The mirror's base URL (for ATELIER_MODELS_MIRROR or --mirror). */
  url: string;
  files: Map<string, MirrorFile>;
  close(): Promise<void>;
}

export async function startModelMirror(files: Record<string, MirrorFile> = {}): Promise<ModelMirror> {
  const table = new Map(Object.entries(files));
  const server: Server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '').replace(/^\/models\//, ''));
    const file = table.get(name);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    res.writeHead(range ? 206 : 200, {
      'content-type': 'application/octet-stream',
      'content-length': file.body.length - start,
    });
    const chunk = file.chunk ?? 64 * 1024;
    let at = start;
    let closed = false;
    res.on('close', () => (closed = true));
    const step = () => {
      if (closed) return;
      if (file.stallAfter !== undefined && at >= file.stallAfter) return; // hang: no more bytes
      if (at >= file.body.length) {
        res.end();
        return;
      }
      const end = Math.min(file.body.length, at + chunk, file.stallAfter ?? Infinity);
      res.write(file.body.subarray(at, end));
      at = end;
      setTimeout(step, file.delayMs ?? 20);
    };
    step();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/models/`,
    files: table,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
