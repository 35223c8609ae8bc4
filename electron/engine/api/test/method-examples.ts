/**
 * One example call for every method of the contract, dispatched through the real WebSocket adapter
 * by contract-coverage.test.ts (which fails for a method with no row here). Adding a method to
 * contract.ts? Add a row: its params (a function of the test's context when they need a real id or
 * path) and what must come back: 'ok' (a result the contract validates) or the AtelierError code a
 * well-formed call answers in a fresh profile with no license server.
 */
import type { MethodName } from '../contract';

export interface ExampleContext {
  /** A real photo (JPEG, 320 px wide) on disk. */
  photo: string;
  /** A folder holding that photo and a text file. */
  folder: string;
  /** A scratch folder for outputs and exports. */
  dir: string;
  /** A finished generation of the photo (cutout), and its batch. */
  generationId: number;
  batchId: string;
}

export interface MethodExample {
  params: Record<string, unknown> | ((ctx: ExampleContext) => Record<string, unknown>);
  expect: 'ok' | string;
}

export const METHOD_EXAMPLES: Partial<Record<MethodName, MethodExample>> & Record<string, MethodExample> = {
  'system.info': { params: {}, expect: 'ok' },
  'system.openLogFolder': { params: {}, expect: 'ok' },
  'files.expand': { params: (c) => ({ paths: [c.folder] }), expect: 'ok' },
  'batch.start': {
    params: (c) => ({ operation: 'cutout', params: { format: 'png' }, inputs: [c.photo], outputDir: c.dir }),
    expect: 'ok',
  },
  // The seed batch has finished, so it is no longer running.
  'batch.pause': { params: (c) => ({ batchId: c.batchId }), expect: 'NOT_FOUND' },
  'batch.resume': { params: { batchId: 'no-such-batch' }, expect: 'NOT_FOUND' },
  'batch.cancel': { params: (c) => ({ batchId: c.batchId }), expect: 'NOT_FOUND' },
  'batch.retryFailed': { params: { batchId: 'no-such-batch' }, expect: 'NOT_FOUND' },
  'history.list': { params: { limit: 5 }, expect: 'ok' },
  'history.get': { params: (c) => ({ id: c.generationId }), expect: 'ok' },
  'history.pin': { params: (c) => ({ id: c.generationId, pinned: true }), expect: 'ok' },
  'history.regenerate': { params: (c) => ({ id: c.generationId, params: { edges: 'hard' } }), expect: 'ok' },
  'pictures.add': { params: (c) => ({ path: c.photo }), expect: 'ok' },
  'pictures.recent': { params: {}, expect: 'ok' },
  'history.chain': {
    params: (c) => ({ id: c.generationId, operation: 'stylize', params: { model: 'fns-candy' } }),
    expect: 'ok',
  },
  'history.versions': { params: (c) => ({ id: c.generationId }), expect: 'ok' },
  'edit.source': { params: (c) => ({ id: c.generationId }), expect: 'ok' },
  'edit.setStrokes': { params: (c) => ({ id: c.generationId, strokes: [] }), expect: 'ok' },
  'edit.render': { params: (c) => ({ id: c.generationId, recipe: { feather: 1 } }), expect: 'ok' },
  // Nothing is rendering the seed item by then: nothing to stop.
  'edit.cancel': { params: (c) => ({ id: c.generationId }), expect: 'ok' },
  'edit.applyToMany': { params: (c) => ({ ids: [c.generationId], recipe: { feather: 0 } }), expect: 'ok' },
  'history.export': { params: (c) => ({ path: `${c.dir}/history.zip` }), expect: 'ok' },
  'history.delete': { params: { id: 999_999 }, expect: 'NOT_FOUND' },
  'history.undoDelete': { params: { deletionId: 'no-such-deletion' }, expect: 'NOT_FOUND' },
  'account.status': { params: {}, expect: 'ok' },
  // No license server is configured in the test profile: the account calls say so.
  'account.signIn': { params: { keepHistory: true }, expect: 'USAGE' },
  'account.signOut': { params: {}, expect: 'USAGE' },
  'account.buy': { params: { packId: 'small' }, expect: 'USAGE' },
  'account.packs': { params: {}, expect: 'USAGE' },
  // Deleting the test's account would take the seed item with it: an unconfirmed call is refused.
  'account.delete': { params: { confirm: false }, expect: 'USAGE' },
  'files.saveAs': {
    params: (c) => ({ generationId: c.generationId, suggestedName: 'saved.png', path: `${c.dir}/saved.png` }),
    expect: 'ok',
  },
  // The file files.saveAs just wrote: only files Atelier wrote can be shown.
  'files.reveal': { params: (c) => ({ path: `${c.dir}/saved.png` }), expect: 'ok' },
  'files.pickFolder': { params: {}, expect: 'ok' },
  'history.exportItems': { params: (c) => ({ ids: [c.generationId] }), expect: 'ok' },
  'files.exportResults': {
    params: (c) => ({ ids: [c.generationId], to: 'zip', path: `${c.dir}/results.zip` }),
    expect: 'ok',
  },
  'batch.estimate': { params: { operation: 'cutout', params: {}, count: 2 }, expect: 'ok' },
  'models.list': { params: {}, expect: 'ok' },
  'models.install': { params: { id: 'no-such-model' }, expect: 'NOT_FOUND' },
  'models.cancel': { params: { id: 'u2netp' }, expect: 'ok' },
  'models.remove': { params: { id: 'no-such-model' }, expect: 'NOT_FOUND' },
  'settings.get': { params: {}, expect: 'ok' },
  'settings.set': { params: { retentionDays: 5 }, expect: 'ok' },
};
