/**
 * The editor's engine (issue 11): mask once, compose many. A cut-out keeps its full-resolution model
 * mask, its hand edits and the effective mask with its root item (store/edits.ts); any change of
 * composition is re-rendered from the stored original and effective mask (cutout-compose.ts, the same
 * code a cut-out runs) as a version of that item, with no model run and no token. Only a model run is
 * charged: an old item's first re-render (its mask was never stored) and a change of model.
 */
import { AtelierError, serializeError, type SerializedError } from '../errors';
import type { EditSource, Stroke } from '../api/contract';
import type { DecodedImage } from '../imaging/decode';
import { encodeMaskPng, type EncodedMask } from '../imaging/mask-png';
import type { Mask } from '../imaging/raw';
import type { ChargePort, GenerationCharge } from './charge-port';
import { assertStrokeBudget, needsPhoto } from '../matte/strokes';
import {
  composeInPool,
  decodeInPool,
  decodeMaskInPool,
  strokesInPool,
  subjectAheadInPool,
} from '../workers/pixel-work';
import type { DecodeTaskInput } from '../workers/tasks';
import type { ProviderRequest } from '../models/providers';
import type { ModelSessions } from '../models/sessions';
import { rerenderBlockedReason, type GenerationRow, type Store } from '../store';
import { EditorStore } from '../store/editor-store';
import { conflict } from '../store/edits';
import type { EditState, NewEdit } from '../store/types';
import { writeFileAtomic } from './atomic-write';
import { LastDecoded, type KeptSource } from './last-decoded';
import type { CutoutParams } from './cutout';
import { modelMaskOf, type MatteChoice } from './matte-stages';
import type { MatteInput } from '../matte/model-stages';
import { changesMask, mergeRecipe } from './recipe';
import { encodingOf } from './write-output';
import { MIME_BY_FORMAT } from '../imaging/mime';

export interface EditorDeps {
  store: Store;
  sessions: ModelSessions;
  /** Absent: nothing is charged (billing 'none'). */
  charges: ChargePort | undefined;
  provider: ProviderRequest;
  maxPixels: number;
}

/** How a long edit reports its progress and is cancelled (its pixel work runs in the worker pool). */
export interface WorkOptions {
  /** Aborting stops the work: a queued job is dropped, a running one's thread is stopped (CANCELLED). */
  signal?: AbortSignal;
  /** Fractions (0..1) of the pixel work done. */
  onProgress?: (fraction: number) => void;
}

/**
 * Where a render's compositing lies in its reported progress (decoding before it; encoding and the
 * history record after it, 1 once recorded).
 */
export const COMPOSE_PROGRESS = { from: 0.15, to: 0.75 } as const;

export interface RenderOptions extends WorkOptions {
  /** The revision the caller started from; CONFLICT when another save moved it on. */
  baseRevision?: number;
  /** Also write the result to this file (the CLI); the UI saves from the store instead. */
  output?: string;
}

export interface RenderResult {
  row: GenerationRow;
  /** A model ran (the mask had to be computed): the run was charged like any generation. */
  charged: boolean;
  revision: number;
}

export interface ManyResult {
  rows: GenerationRow[];
  failed: ({ id: number } & SerializedError)[];
}

export class Editor {
  readonly records: EditorStore;
  private readonly lastDecoded = new LastDecoded();

  constructor(private readonly deps: EditorDeps) {
    this.records = new EditorStore(deps.store);
  }

  /** Why an item cannot be re-rendered or touched up (null when it can). */
  blockedReason(row: GenerationRow): string | null {
    if (row.operation !== 'cutout') return 'only cut-outs keep a mask to re-render from';
    if (row.status !== 'done') return 'this generation failed, so there is nothing to edit';
    // The one sentence for a missing original, shared with regenerate and the CLI (store/rerender.ts).
    const missing = rerenderBlockedReason(row);
    if (missing) return missing;
    if (this.deps.store.privacyMode()) return 'privacy mode is on, so originals are not kept for editing';
    return null;
  }

  /** What the editor loads for an item (any member of its family gives the root's state). */
  source(id: number): EditSource {
    const root = this.records.root(id);
    const edit = this.records.edit(root.id);
    const reason = this.blockedReason(root);
    const original = root.inputImageId === null ? null : this.deps.store.getGeneration(root.id).input;
    return {
      id: root.id,
      originalImageId: root.inputImageId,
      maskImageId: edit?.maskImageId ?? null,
      width: original?.width ?? 0,
      height: original?.height ?? 0,
      recipe: this.currentRecipe(root.id),
      strokes: edit?.strokes ?? [],
      revision: edit?.revision ?? 0,
      canRerender: reason === null,
      rerenderBlockedReason: reason,
    };
  }

  /**
   * Prepares the item's first render ahead: the editor has just opened it, and while the designer
   * chooses, its original and stored mask are decoded and the subject layer for its current edges is
   * made in the pool (~1.2 s at 24 MP), not after Apply (last-decoded.ts, kept-subject.ts).
   */
  prepareAhead(id: number): void {
    const root = this.records.root(id);
    if (this.blockedReason(root) !== null || root.inputImageId === null) return;
    // An item from before masks were stored decodes with its model's input at its first render.
    const maskImageId = this.records.edit(root.id)?.maskImageId;
    if (maskImageId == null) return;
    const composition = mergeRecipe(this.currentRecipe(root.id), {});
    this.lastDecoded.ahead(root.inputImageId, async () => {
      // The render paints two RGBA layers of the photo's size (the subject, made ahead below, and the
      // background): their memory is made ready while the photo decodes (~0.3 s each at 24 MP).
      const original = this.deps.store.getGeneration(root.id).input;
      const layers = original ? { bytes: original.width * original.height * 4, count: 2 } : undefined;
      const { decoded } = await this.decodeStored(root, undefined, layers);
      const mask = await this.loadMask(maskImageId, root.id);
      const { sourceKey } = this.sourceKeyOf(root, maskImageId);
      if (sourceKey === undefined) return { decoded, mask: { imageId: maskImageId, mask } };
      try {
        const made = await subjectAheadInPool(
          { photo: decoded.image, mask, composition, sourceKey },
          { file: itemName(root) },
        );
        decoded.image = made.photo;
        return { decoded, mask: { imageId: maskImageId, mask: made.mask } };
      } catch {
        // The render makes its own subject layer (and meets any error again, and reports it).
        return { decoded };
      }
    });
  }

  /** Replaces the hand edits and stores the effective mask, applied at full resolution. Free. */
  async setStrokes(
    id: number,
    strokes: Stroke[],
    baseRevision?: number,
    work: WorkOptions = {},
  ): Promise<{ maskImageId: number; revision: number }> {
    const root = this.editableRoot(id);
    const edit = this.records.edit(root.id);
    checkRevision(root.id, edit, baseRevision);
    if (edit?.modelMaskImageId == null) {
      throw new AtelierError('NOT_FOUND', `History item ${root.id} has no stored mask yet`, {
        hint: 'render it once first (edit.render computes its mask with one model run)',
      });
    }
    // Before any pixel work (the original's size is in its row): one request never buys minutes of brushing.
    const original = this.deps.store.getGeneration(root.id).input;
    if (original) assertStrokeBudget(strokes, original.width, original.height);
    const model = await this.loadMask(edit.modelMaskImageId, root.id);
    if (!original) assertStrokeBudget(strokes, model.width, model.height);
    const decoded = needsPhoto(strokes) ? (await this.decodeOriginal(root)).decoded : undefined;
    const brushing = stage(work, 0.1, 0.85);
    const brushed =
      strokes.length > 0
        ? await strokesInPool(model, strokes, decoded?.image, { file: itemName(root), ...brushing })
        : undefined;
    // The photo came back from the pool: kept for the render that follows a touch-up.
    if (decoded && brushed?.photo) {
      decoded.image = brushed.photo;
      this.lastDecoded.keep(root.inputImageId!, { decoded });
    }
    const effective = brushed ? brushed.mask : model;
    const encoded = maskImage(await encodeMaskPng(effective));
    // The last moment a cancel is honoured: the save below is one transaction, never half-done.
    throwIfCancelled(work.signal, `the brush edits of item ${root.id}`);
    work.onProgress?.(0.9);
    const saved = await this.records.saveStrokes(root.id, strokes, encoded, baseRevision);
    work.onProgress?.(1);
    return { maskImageId: saved.maskImageId!, revision: saved.revision };
  }

  /**
   * Re-renders the item with `recipe` laid over its current one, as a new version of its root. Free,
   * unless the item predates stored masks: then its mask is computed once (a charged model run).
   */
  async render(
    id: number,
    recipe: Record<string, unknown>,
    options: RenderOptions = {},
  ): Promise<RenderResult> {
    const root = this.editableRoot(id);
    const edit = this.records.edit(root.id);
    checkRevision(root.id, edit, options.baseRevision);
    const current = mergeRecipe(this.currentRecipe(root.id), {});
    const params = mergeRecipe(this.currentRecipe(root.id), recipe);
    if (changesMask(current, params)) {
      throw new AtelierError('USAGE', `Changing ${maskChange(current, params)} runs the model again`, {
        hint: 'regenerate the item with the new model instead (history.regenerate; it spends a token)',
      });
    }
    const started = performance.now();
    // An item from before masks were stored needs its model input too: made in the pool with the decode.
    const needsModel = edit?.maskImageId == null;
    const { decoded, matteInput, keptMask } = await this.decodeOriginal(
      root,
      needsModel ? params : undefined,
    );
    throwIfCancelled(options.signal, `the re-render of item ${root.id}`);
    options.onProgress?.(0.1);
    let charge: GenerationCharge | undefined;
    try {
      let mask: Mask;
      const newEdit: NewEdit = {
        versionOf: root.id,
        ...(options.baseRevision !== undefined ? { baseRevision: options.baseRevision } : {}),
      };
      let provider: string | null = null;
      const timings: Record<string, number> = { decode: ms(started) };
      if (edit?.maskImageId == null) {
        // An item from before masks were stored: compute it once, charged as the model run it is.
        charge = await this.deps.charges?.authorize('cutout');
        const t = performance.now();
        const computed = await modelMaskOf(decoded, params, this.deps, matteInput);
        timings.mask = ms(t);
        provider = computed.provider.used;
        const strokes = edit?.strokes ?? [];
        const edited = await this.withStrokes(computed.mask, strokes, decoded, root, {
          ...(options.signal ? { signal: options.signal } : {}),
        });
        mask = edited.mask;
        newEdit.modelMask = maskImage(await encodeMaskPng(edited.base));
        if (strokes.length > 0) newEdit.mask = maskImage(await encodeMaskPng(mask));
      } else {
        const t = performance.now();
        mask =
          keptMask?.imageId === edit.maskImageId
            ? keptMask.mask
            : await this.loadMask(edit.maskImageId, root.id);
        newEdit.renderedMaskImageId = edit.maskImageId;
        timings.mask = ms(t);
      }
      const { row, mask: returned } = await this.composeAndRecord(root, decoded, mask, params, {
        edit: newEdit,
        charge,
        provider,
        timings,
        started,
        output: options.output,
        sourceGenerationId: id,
        work: options,
      });
      // For the next render of this photo (the compose handed its pixels and the stored mask back).
      const rendered = edit?.maskImageId;
      this.lastDecoded.keep(root.inputImageId!, {
        decoded,
        ...(rendered != null ? { mask: { imageId: rendered, mask: returned } } : {}),
      });
      return { row, charged: charge !== undefined, revision: this.records.edit(root.id)?.revision ?? 0 };
    } finally {
      charge?.release();
    }
  }

  /** The same recipe change for many items; one that fails is reported alone, the others go on. */
  async applyToMany(ids: readonly number[], recipe: Record<string, unknown>): Promise<ManyResult> {
    const rows: GenerationRow[] = [];
    const failed: ManyResult['failed'] = [];
    for (const id of ids) {
      try {
        rows.push((await this.render(id, recipe)).row);
      } catch (error) {
        failed.push({ id, ...serializeError(error) });
      }
    }
    return { rows, failed };
  }

  /**
   * Runs the model again with changed mask settings (a new model, refine on/off): a charged generation,
   * a new item linked to its source, with the source's hand edits re-applied on the new mask.
   */
  async regenerateMask(id: number, changes: Record<string, unknown>, output: string): Promise<GenerationRow> {
    const source = this.editableRoot(id);
    const params = mergeRecipe(this.currentRecipe(source.id), changes);
    const strokes = this.records.edit(source.id)?.strokes ?? [];
    const charge = await this.deps.charges?.authorize('cutout');
    try {
      const started = performance.now();
      const { decoded, matteInput } = await this.decodeOriginal(source, params);
      const timings: Record<string, number> = { decode: ms(started) };
      const t = performance.now();
      const computed = await modelMaskOf(decoded, params, this.deps, matteInput);
      timings.mask = ms(t);
      const { mask, base } = await this.withStrokes(computed.mask, strokes, decoded, source, {});
      const { row } = await this.composeAndRecord(source, decoded, mask, params, {
        edit: {
          modelMask: maskImage(await encodeMaskPng(base)),
          ...(strokes.length > 0 ? { mask: maskImage(await encodeMaskPng(mask)) } : {}),
          strokes,
        },
        charge,
        provider: computed.provider.used,
        timings,
        started,
        output,
        sourceGenerationId: id,
      });
      return row;
    } finally {
      charge?.release();
    }
  }

  /** Whether `changes` to item `id` need a model run (else: a free re-render). */
  needsModelRun(id: number, changes: Record<string, unknown>): boolean {
    const root = this.records.root(id);
    const recipe = this.currentRecipe(root.id);
    return changesMask(mergeRecipe(recipe, {}), mergeRecipe(recipe, changes));
  }

  /** The recipe of the newest member of the family (what the user last rendered). */
  currentRecipe(rootId: number): Record<string, unknown> {
    const family = this.records.family(rootId);
    return family[family.length - 1]!.params;
  }

  private editableRoot(id: number): GenerationRow {
    const root = this.records.root(id);
    const reason = this.blockedReason(root);
    if (reason) {
      throw new AtelierError('ORIGINAL_UNAVAILABLE', `History item ${id} cannot be edited: ${reason}`, {
        hint:
          root.operation === 'cutout'
            ? 'open the original photo again and cut it out (privacy mode keeps no originals to edit)'
            : 'edit a cut-out item instead',
      });
    }
    return root;
  }

  /** The stored original decoded in the pool; with `forModel`, that model's input is made there too. */
  private async decodeOriginal(
    root: GenerationRow,
    forModel?: MatteChoice,
  ): Promise<{ decoded: DecodedImage; matteInput?: MatteInput; keptMask?: KeptSource['mask'] }> {
    if (!forModel) {
      const kept = await this.lastDecoded.take(root.inputImageId!);
      if (kept) return { decoded: kept.decoded, ...(kept.mask ? { keptMask: kept.mask } : {}) };
    }
    return this.decodeStored(root, forModel);
  }

  /** The item's stored original decoded in the pool (with the model's input when it is to run). */
  private async decodeStored(
    root: GenerationRow,
    forModel?: MatteChoice,
    renderLayers?: DecodeTaskInput['renderLayers'],
  ): Promise<{ decoded: DecodedImage; matteInput?: MatteInput }> {
    const model = forModel
      ? (await this.deps.sessions.load(forModel.model, forModel.provider)).entry
      : undefined;
    const original = await this.deps.store.loadImage(root.inputImageId!);
    return decodeInPool(
      { bytes: original.bytes, name: itemName(root) },
      this.deps.maxPixels,
      model,
      renderLayers,
    );
  }

  /** The hand edits on a freshly computed model mask, in the pool (`base`: the model mask handed back). */
  private async withStrokes(
    model: Mask,
    strokes: Stroke[],
    decoded: DecodedImage,
    root: GenerationRow,
    work: WorkOptions,
  ): Promise<{ mask: Mask; base: Mask }> {
    if (strokes.length === 0) return { mask: model, base: model };
    const photo = needsPhoto(strokes) ? decoded.image : undefined;
    const out = await strokesInPool(model, strokes, photo, { file: itemName(root), ...work });
    if (out.photo) decoded.image = out.photo;
    return { mask: out.mask, base: out.base };
  }

  /**
   * The photo and the stored mask a render composes, by content: the pool thread that composed them
   * last keeps their subject layer for the next render (operations/kept-subject.ts). None for a mask
   * that is not stored yet (an item from before masks were).
   */
  private sourceKeyOf(root: GenerationRow, maskImageId: number | null | undefined): { sourceKey?: string } {
    if (maskImageId == null || root.inputImageId === null) return {};
    const { store } = this.deps;
    return {
      sourceKey: `${store.imageInfo(root.inputImageId).sha256}:${store.imageInfo(maskImageId).sha256}`,
    };
  }

  private async loadMask(imageId: number, rootId: number): Promise<Mask> {
    return decodeMaskInPool((await this.deps.store.loadImage(imageId)).bytes, `mask of item ${rootId}`);
  }

  private async composeAndRecord(
    root: GenerationRow,
    decoded: DecodedImage,
    mask: Mask,
    params: CutoutParams,
    r: {
      edit: NewEdit;
      charge: GenerationCharge | undefined;
      provider: string | null;
      timings: Record<string, number>;
      started: number;
      output: string | undefined;
      sourceGenerationId: number | null;
      work?: WorkOptions;
    },
  ): Promise<{ row: GenerationRow; mask: Mask }> {
    if (mask.width !== decoded.image.width || mask.height !== decoded.image.height) {
      throw new AtelierError(
        'CORRUPT_IMAGE',
        `The stored mask of item ${root.id} (${mask.width}×${mask.height}) does not fit its original (${decoded.image.width}×${decoded.image.height})`,
        { hint: 'regenerate the item (runs the model again on the original)' },
      );
    }
    let t = performance.now();
    const work = r.work ?? {};
    // Composed and encoded in the pool, with the History thumbnail made from the pixels there.
    const composed = await composeInPool(
      {
        photo: decoded.image,
        mask,
        composition: params,
        encoding: encodingOf(params, decoded),
        ...this.sourceKeyOf(root, r.edit.renderedMaskImageId),
      },
      { file: itemName(root), ...stage(work, COMPOSE_PROGRESS.from, COMPOSE_PROGRESS.to) },
    );
    decoded.image = composed.photo;
    const { bytes, width, height, thumbnail, stored } = composed.output;
    r.timings.compose = ms(t);
    if (r.output) {
      t = performance.now();
      await writeFileAtomic(r.output, bytes);
      r.timings.write = ms(t);
    }
    r.timings.total = ms(r.started);
    // The last moment a cancel is honoured: recording is one transaction (never a half item).
    throwIfCancelled(work.signal, `the re-render of item ${root.id}`);
    work.onProgress?.(0.85);
    const row = await this.deps.store.recordGeneration(
      {
        operation: 'cutout',
        params: params as unknown as Record<string, unknown>,
        model: params.model,
        provider: r.provider,
        timings: r.timings,
        status: 'done',
        inputName: root.inputName,
        // The stored original, by id: not read, hashed or sent again.
        inputImageId: root.inputImageId!,
        output: {
          bytes,
          mime: MIME_BY_FORMAT[params.format] ?? 'image/png',
          width,
          height,
          thumbnail,
          stored,
        },
        sourceGenerationId: r.sourceGenerationId,
        edit: r.edit,
      },
      r.charge?.debit,
      r.charge?.options,
    );
    work.onProgress?.(1);
    return { row, mask: composed.mask };
  }
}

/** `work` with its progress mapped into [from, to] of the whole (one stage of a longer edit). */
function stage(work: WorkOptions, from: number, to: number): WorkOptions {
  const { signal, onProgress } = work;
  return {
    ...(signal ? { signal } : {}),
    // The stage's ends exactly (listeners compare them), whatever the floating-point sum gives.
    ...(onProgress ? { onProgress: (f: number) => onProgress(f >= 1 ? to : from + (to - from) * f) } : {}),
  };
}

function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) {
    throw new AtelierError('CANCELLED', `Cancelled: ${what}`, { hint: 'the item was left as it was' });
  }
}

function checkRevision(rootId: number, edit: EditState | null, base: number | undefined): void {
  const now = edit?.revision ?? 0;
  if (base !== undefined && base !== now) throw conflict(rootId, base, now);
}

function maskChange(before: CutoutParams, after: CutoutParams): string {
  if (before.model !== after.model) return `the model (${before.model} → ${after.model})`;
  return before.maskQuality !== after.maskQuality
    ? `the mask quality (${before.maskQuality} → ${after.maskQuality})`
    : 'edge refinement';
}

function maskImage(m: EncodedMask) {
  return { bytes: m.bytes, mime: m.mime, width: m.width, height: m.height, thumbnail: m.thumbnail };
}

/** How an item is named in errors: the photo's file name, else its id. */
function itemName(root: GenerationRow): string {
  return root.inputName ?? `item ${root.id}`;
}

function ms(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}
