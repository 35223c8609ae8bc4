import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../imaging/decode';
import { ModelRegistry } from '../../models/registry';
import { ModelSessions } from '../../models/sessions';
import { FIXTURE_PHOTOS, fixturePhoto, rembgExpected } from '../../testing/fixtures';
import { defaultMatteOptions, finishMatte, inferMatte, preprocessForMatte } from '..';
import { bandAgreement, teacherBand } from '../edge-metrics';

const TEACHERS = ['birefnet-general', 'isnet-general-use'];

// The edge stage must earn its place: in the edge band of the bigger models' alphas (BiRefNet, IS-Net:
// a teacher, not ground truth) the refined cut-out must agree with them better than the raw u2netp
// mask does (bench/edge-quality.ts prints the same figures, plus the pets ground-truth set).
describe('edge stage vs the raw model, against the teachers', () => {
  const sessions = new ModelSessions(new ModelRegistry());
  beforeAll(() => sessions.load('u2netp', 'cpu'));

  it('is closer to BiRefNet and IS-Net in the edge band than raw u2netp', async () => {
    const model = await sessions.load('u2netp', 'cpu');
    const rows: { photo: string; raw: number; edge: number; rawIou: number; edgeIou: number }[] = [];
    for (const photo of FIXTURE_PHOTOS) {
      const decoded = await decodeImage(fixturePhoto(photo));
      const { width, height } = decoded.image;
      const low = await inferMatte(model, await preprocessForMatte(decoded.image, model.entry));
      const raw = await finishMatte(decoded.image, low, { ...defaultMatteOptions, refine: false });
      const edge = await finishMatte(decoded.image, low, defaultMatteOptions);
      const row = { photo, raw: 0, edge: 0, rawIou: 0, edgeIou: 0 };
      for (const teacher of TEACHERS) {
        const file = path.join(rembgExpected, `${photo}.${teacher}.png`);
        const buf = await sharp(file).ensureAlpha().extractChannel(3).raw().toBuffer();
        const alpha = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
        const band = teacherBand(alpha, width, height);
        const r = bandAgreement(raw.data, alpha, band);
        const e = bandAgreement(edge.data, alpha, band);
        row.raw += r.mae / TEACHERS.length;
        row.edge += e.mae / TEACHERS.length;
        row.rawIou += r.iou / TEACHERS.length;
        row.edgeIou += e.iou / TEACHERS.length;
      }
      console.log(
        `${photo}: band MAE raw ${row.raw.toFixed(4)} → edge ${row.edge.toFixed(4)}, IoU ${row.rawIou.toFixed(4)} → ${row.edgeIou.toFixed(4)}`,
      );
      rows.push(row);
    }
    const mean = (k: 'raw' | 'edge' | 'rawIou' | 'edgeIou') =>
      rows.reduce((s, r) => s + r[k], 0) / rows.length;
    expect(mean('edge')).toBeLessThan(mean('raw'));
    expect(mean('edgeIou')).toBeGreaterThanOrEqual(mean('rawIou'));
    // plants-1's thin stems are the known weak spot (raw 0.3170 → edge 0.3246 when written): the
    // steeper ramp drops faint stems the teachers keep. No photo may lose more than that.
    for (const r of rows) expect(r.edge - r.raw, r.photo).toBeLessThan(0.012);
  }, 120_000);
});
