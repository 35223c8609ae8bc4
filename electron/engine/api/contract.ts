/**
 * The one API contract between the UI and the engine: every method's params and result, and every
 * event, declared once with zod. The Electron IPC adapter and the `atelier serve` WebSocket adapter
 * both dispatch into the handler table built from it (handlers.ts); the renderer's client is a typed
 * proxy over it. This file imports nothing but zod, so the renderer can import it too.
 *
 * Images never cross as Base64: they are files on disk (paths) or ids in the store, shown through
 * the host's image URL scheme (`imageUrl`).
 */
import { z } from 'zod';

export const operationNameSchema = z.enum(['cutout', 'background', 'stylize', 'compose']);
export type OperationName = z.infer<typeof operationNameSchema>;

const id = z.number().int().positive();
const empty = z.object({}).strict();
const ok = z.object({ ok: z.literal(true) });

export const providerAttemptSchema = z.object({
  provider: z.string(),
  ok: z.boolean(),
  reason: z.string().optional(),
});

export const systemInfoSchema = z.object({
  version: z.string(),
  platform: z.string(),
  profileDir: z.string(),
  host: z.enum(['electron', 'serve', 'cli']),
  /** Which providers exist here and why the others do not (shown in settings). */
  providers: z.array(
    z.object({
      provider: z.string(),
      label: z.string(),
      available: z.boolean(),
      reason: z.string().optional(),
    }),
  ),
  models: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      task: z.enum(['matte', 'style']),
      installed: z.boolean(),
      commercialUse: z.boolean(),
      license: z.string(),
      /** Credit line shown in About (licences require it). */
      attribution: z.string().nullable(),
    }),
  ),
  canvasPresets: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      canvas: z.object({
        width: z.number(),
        height: z.number(),
        fill: z.number(),
        align: z.enum(['center', 'bottom']),
      }),
    }),
  ),
});

export const settingsSchema = z.object({
  provider: z.enum(['auto', 'cpu', 'gpu']),
  threads: z.number().int().min(0).max(256),
  /** Threads for the engine's pixel work (refinement, compositing, strokes); 0 = from the cores. Read at start-up. */
  workerThreads: z.number().int().min(0).max(64),
  retentionDays: z.number().int().min(1).max(3650).nullable(),
  privacyMode: z.boolean(),
  analytics: z.boolean(),
  outputDir: z.string(),
  naming: z.string().min(1).max(200),
  theme: z.enum(['system', 'light', 'dark']),
  /**
   * The Studio's own state (operation, its settings, presets), kept here rather than in the browser's
   * storage so it survives restarts (serve's port, and so its origin, changes every run). Opaque to the
   * engine; capped so a bug cannot fill the settings table.
   */
  studio: z
    .record(z.string(), z.unknown())
    .refine((v) => JSON.stringify(v).length <= 256 * 1024, { message: 'studio settings over 256 KB' }),
  /** Developer setting: list development-only (non-commercial) models in the pickers. */
  developerModels: z.boolean(),
  /** Ask before a run that spends more than one token or free generation (shows the cost and what is left). */
  confirmSpending: z.boolean(),
});
export type Settings = z.infer<typeof settingsSchema>;

export const historyItemSchema = z.object({
  id,
  operation: z.string(),
  status: z.enum(['done', 'failed']),
  error: z.string().nullable(),
  inputName: z.string().nullable(),
  inputImageId: z.number().int().nullable(),
  outputImageId: z.number().int().nullable(),
  inputPurged: z.boolean(),
  /** Made with privacy mode on: the original was never stored. */
  privacyMode: z.boolean(),
  outputExpired: z.boolean(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  pinned: z.boolean(),
  model: z.string().nullable(),
  provider: z.string().nullable(),
  tokensSpent: z.number(),
  params: z.record(z.string(), z.unknown()),
  timings: z.record(z.string(), z.number()),
  sourceGenerationId: z.number().int().nullable(),
  batchId: z.string().nullable(),
  /** The effective mask (model mask + hand edits), full resolution, a grayscale PNG in the store. */
  maskImageId: z.number().int().nullable(),
  /** The root item's id when this row is a re-render version of it (null for a root). */
  versionOf: z.number().int().nullable(),
  /** How many re-render versions the root has (0 for none; the same figure on every version). */
  versions: z.number().int(),
  /** The newest version's output (null without versions): the family's tile shows what was last made. */
  latestOutputImageId: z.number().int().nullable(),
  /** Whether edit.render / edit.setStrokes can work on this item (its original is stored). */
  canRerender: z.boolean(),
  /** Why not, in plain words (privacy mode kept no original, the original expired…). */
  rerenderBlockedReason: z.string().nullable(),
});
export type HistoryItem = z.infer<typeof historyItemSchema>;

/** A picture kept for backgrounds and references (pictures.add): its kept copy, name and display image. */
export const pictureSchema = z.object({
  /** The copy in the profile, the path a recipe's `{ type: 'image', path }` names. */
  path: z.string(),
  name: z.string(),
  /** Shown through the image route (imageUrl), at display size with ?max. */
  imageId: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
});
export type Picture = z.infer<typeof pictureSchema>;

/** Points a one-click part stroke (add-part / remove-part: a click or a short scribble) may have. */
export const MAX_PART_POINTS = 2_000;
/** Part strokes in one item's list: each runs a graph cut on replay (~0.1–0.5 s), so their count is bounded. */
export const MAX_PART_STROKES = 32;

/**
 * One hand edit of a mask, in full-resolution image pixels. erase / restore: the brush. add-part /
 * remove-part: a click or short scribble on a missed (or wrongly kept) region, grown along the photo's
 * edges (matte/part-select.ts); `size` is the seed brush there, edgeAware and hardness are unused.
 */
export const strokeSchema = z
  .object({
    mode: z.enum(['erase', 'restore', 'add-part', 'remove-part']),
    /** Snap to the photo's edges (guided by the original's pixels) inside the stroke's area. */
    edgeAware: z.boolean(),
    /** Brush diameter in image pixels. */
    size: z.number().positive().max(10_000),
    /** 1: a hard-edged disc; 0: a soft falloff from the centre. */
    hardness: z.number().min(0).max(1),
    points: z
      .array(z.tuple([z.number().finite(), z.number().finite()]))
      .min(1)
      .max(100_000),
  })
  .strict()
  .refine((s) => !isPartStroke(s) || s.points.length <= MAX_PART_POINTS, {
    message: `a part stroke (add-part / remove-part) has at most ${MAX_PART_POINTS} points: a click or a short scribble`,
    path: ['points'],
  });
export type Stroke = z.infer<typeof strokeSchema>;

/** Points one edit.setStrokes may carry in all (each stroke may have 100,000; their sum is bounded too). */
export const MAX_POINTS_PER_SAVE = 1_000_000;
const totalPoints = (strokes: readonly { points: readonly unknown[] }[]) =>
  strokes.reduce((n, s) => n + s.points.length, 0);

export function isPartStroke(s: { mode: string }): boolean {
  return s.mode === 'add-part' || s.mode === 'remove-part';
}

/** A strokes list: each stroke valid, and few enough part strokes that replaying them stays quick. */
export const strokesSchema = z
  .array(strokeSchema)
  .max(10_000)
  .refine((list) => list.filter(isPartStroke).length <= MAX_PART_STROKES, {
    message: `at most ${MAX_PART_STROKES} add-part / remove-part strokes per item: undo some, or paint with the brush`,
  })
  .refine((list) => totalPoints(list) <= MAX_POINTS_PER_SAVE, {
    message: `at most ${MAX_POINTS_PER_SAVE} points in all strokes together`,
  });

/**
 * How a cut-out is composed: the cutout operation's composition params (background, shadow, canvas,
 * trim, feather, edges, format, quality…) with the same keys and spec strings. Validated by the cutout
 * schema in the engine (operations/), never copied here.
 */
export const recipeSchema = z.record(z.string(), z.unknown());
export type Recipe = z.infer<typeof recipeSchema>;

export const editSourceSchema = z.object({
  id,
  originalImageId: z.number().int().nullable(),
  /** null for an old item whose mask was never stored: edit.render computes it once (charged). */
  maskImageId: z.number().int().nullable(),
  width: z.number().int(),
  height: z.number().int(),
  recipe: recipeSchema,
  strokes: z.array(strokeSchema),
  /** Bumped by every edit.setStrokes / edit.render of the root; pass it back as baseRevision. */
  revision: z.number().int(),
  canRerender: z.boolean(),
  rerenderBlockedReason: z.string().nullable(),
});
export type EditSource = z.infer<typeof editSourceSchema>;

const failedItemSchema = z.object({
  id: z.number().int(),
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
});

export const historyQuerySchema = z
  .object({
    cursor: z.string().max(500).nullable().optional(),
    limit: z.number().int().min(1).max(200).optional(),
    operation: operationNameSchema.optional(),
    status: z.enum(['done', 'failed']).optional(),
    text: z.string().max(200).optional(),
    pinned: z.boolean().optional(),
  })
  .strict();

export const accountStatusSchema = z.object({
  kind: z.enum(['anonymous', 'signed_in']),
  email: z.string().nullable(),
  serverUrl: z.string().nullable(),
  /** Spendable tokens (last verified statement minus pending debits); null when unknown/anonymous. */
  balance: z.number().nullable(),
  validUntil: z.string().nullable(),
  pendingDebits: z.number().int(),
  quota: z
    .object({
      used: z.number().int(),
      limit: z.number().int(),
      /** When today's free generations come back (the next local midnight), ISO time. */
      resetsAt: z.string().optional(),
    })
    .nullable(),
  prices: z.record(z.string(), z.number()),
  /**
   * The one price table every screen shows (account/price-table.ts): each line's tokens per photo when
   * signed in and free generations without an account; 0 and 0 for what is free.
   */
  priceTable: z
    .array(z.object({ id: z.string(), label: z.string(), tokens: z.number(), freeGenerations: z.number() }))
    .default([]),
  /** Why spending is blocked right now, if it is (expired statement, quota used up…). */
  blockedReason: z.string().nullable(),
});
export type AccountStatus = z.infer<typeof accountStatusSchema>;

export const batchItemEventSchema = z.object({
  batchId: z.string(),
  itemId: z.string(),
  input: z.string(),
  stage: z.string(),
  status: z.enum(['running', 'done', 'failed', 'skipped', 'cancelled']),
  output: z.string().nullable(),
  generationId: z.number().int().nullable(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).nullable(),
  provider: z.string().nullable(),
  fallbackReason: z.string().nullable(),
});
export type BatchItemEvent = z.infer<typeof batchItemEventSchema>;

export const batchProgressSchema = z.object({
  batchId: z.string(),
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  cancelled: z.number().int(),
  fraction: z.number(),
  elapsedMs: z.number(),
  etaMs: z.number().nullable(),
  paused: z.boolean(),
  finished: z.boolean(),
});
export type BatchProgressEvent = z.infer<typeof batchProgressSchema>;

export const modelInstallStateSchema = z.enum([
  'downloading',
  'verifying',
  'installed',
  'failed',
  'cancelled',
]);

/** One model as the Models page shows it. */
export const modelInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  task: z.enum(['matte', 'style']),
  /** What it is good at, in a sentence (null where the manifest says nothing). */
  summary: z.string().nullable(),
  /** File size; null where the upstream does not publish it. */
  bytes: z.number().int().nullable(),
  license: z.string(),
  attribution: z.string().nullable(),
  commercialUse: z.boolean(),
  installed: z.boolean(),
  installing: z.boolean(),
  /** Bytes so far of a running install (null when none runs). */
  progress: z.object({ received: z.number(), total: z.number() }).nullable(),
  /** Whether models.remove would delete a file (a copy in the profile; the app's own stay). */
  removable: z.boolean(),
  /** 'bundled': from the app's manifest (shipped or one click away); 'custom': the user's own folder. */
  origin: z.enum(['bundled', 'custom']),
  /** Measured here: the median model time per photo of its last runs, and where it ran. */
  speed: z.object({ ms: z.number(), provider: z.string(), runs: z.number().int() }).nullable(),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

export const modelProgressSchema = z.object({
  id: z.string(),
  received: z.number(),
  /** 0 when neither the manifest nor the server says. */
  total: z.number(),
  state: modelInstallStateSchema,
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
});
export type ModelProgressEvent = z.infer<typeof modelProgressSchema>;

/** How far a running edit.render / edit.setStrokes is (its pixel work; saving follows at 1). */
export const editProgressSchema = z.object({
  /** The item id the call was made with (what edit.cancel takes). */
  id: z.number().int(),
  action: z.enum(['render', 'strokes']),
  fraction: z.number().min(0).max(1),
});
export type EditProgressEvent = z.infer<typeof editProgressSchema>;

const modelId = z.string().min(1).max(200);

function method<P extends z.ZodType, R extends z.ZodType>(params: P, result: R) {
  return { params, result };
}

/** Every method: `'area.verb': { params, result }`. */
export const methods = {
  'system.info': method(empty, systemInfoSchema),
  /** Shows the profile's log folder (Electron: the file manager; serve/CLI: prints it) and returns its path. */
  'system.openLogFolder': method(empty, z.object({ path: z.string() })),
  'files.expand': method(
    z
      .object({
        paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000),
        recursive: z.boolean().default(true),
      })
      .strict(),
    z.object({
      files: z.array(z.string()),
      rejected: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  ),
  'batch.start': method(
    z
      .object({
        operation: operationNameSchema,
        /** Validated by the operation's own schema in the engine (operations/), never copied here. */
        params: z.record(z.string(), z.unknown()),
        inputs: z.array(z.string().min(1).max(4096)).min(1).max(10_000),
        outputDir: z.string().min(1).max(4096).optional(),
      })
      .strict(),
    z.object({ batchId: z.string(), total: z.number().int(), outputDir: z.string() }),
  ),
  'batch.pause': method(z.object({ batchId: z.string() }).strict(), ok),
  'batch.resume': method(z.object({ batchId: z.string() }).strict(), ok),
  'batch.cancel': method(z.object({ batchId: z.string() }).strict(), ok),
  'batch.retryFailed': method(z.object({ batchId: z.string() }).strict(), z.object({ batchId: z.string() })),
  'history.list': method(
    historyQuerySchema,
    z.object({
      items: z.array(historyItemSchema),
      nextCursor: z.string().nullable(),
      total: z.number().int(),
    }),
  ),
  'history.get': method(z.object({ id }).strict(), historyItemSchema),
  'history.pin': method(z.object({ id, pinned: z.boolean() }).strict(), historyItemSchema),
  /**
   * Deletes an item (with its versions) or several. `undoable`: they go to the trash and
   * history.undoDelete can put them back until `undo.until`; then, or at quit, they are deleted for
   * good. Without it, or in privacy mode, they are deleted at once (no `undo`).
   */
  'history.delete': method(
    z
      .object({
        id: id.optional(),
        ids: z.array(id).min(1).max(10_000).optional(),
        undoable: z.boolean().default(false),
      })
      .strict()
      .refine((p) => p.id !== undefined || p.ids !== undefined, { message: 'give id or ids', path: ['id'] }),
    z.object({
      ok: z.literal(true),
      undo: z.object({ deletionId: z.string(), until: z.string() }).optional(),
    }),
  ),
  /** Puts an undoable deletion back (NOT_FOUND once its window has passed). */
  'history.undoDelete': method(
    z.object({ deletionId: z.string().min(1).max(100) }).strict(),
    z.object({ restored: z.number().int() }),
  ),
  'history.regenerate': method(
    z.object({ id, params: z.record(z.string(), z.unknown()).default({}) }).strict(),
    /** The new history item, linked to its source by sourceGenerationId. */
    historyItemSchema,
  ),
  /**
   * Runs `operation` on item `id`'s result (a chain: cut out → stylize, stylize → cut out, cut out →
   * reference) as a batch of one; batch.item / batch.progress follow. `input` is the staged result.
   */
  'history.chain': method(
    z
      .object({
        id,
        operation: operationNameSchema,
        /** Validated by the operation's own schema in the engine, like batch.start's. */
        params: z.record(z.string(), z.unknown()).default({}),
      })
      .strict(),
    z.object({ batchId: z.string(), total: z.number().int(), outputDir: z.string(), input: z.string() }),
  ),
  /**
   * Keeps a picture for a background or a reference: checked (an image, within the pixel limit),
   * copied into the profile, offered again by pictures.recent. A staged browser upload is released.
   */
  'pictures.add': method(
    z.object({ path: z.string().min(1).max(4096), name: z.string().min(1).max(255).optional() }).strict(),
    pictureSchema,
  ),
  'pictures.recent': method(empty, z.object({ pictures: z.array(pictureSchema) })),
  'history.versions': method(
    z.object({ id }).strict(),
    /** The root first, then its versions, newest last (any member's id gives the whole family). */
    z.object({ items: z.array(historyItemSchema) }),
  ),
  'edit.source': method(z.object({ id }).strict(), editSourceSchema),
  'edit.setStrokes': method(
    z
      .object({
        id,
        /** Brush work is bounded too (points × brush area on the photo, matte/strokes.ts): USAGE past it. */
        strokes: strokesSchema,
        /** The revision the UI started from: a later save by another window is refused (CONFLICT). */
        baseRevision: z.number().int().min(0).optional(),
      })
      .strict(),
    z.object({ maskImageId: z.number().int(), revision: z.number().int() }),
  ),
  'edit.render': method(
    z
      .object({
        id,
        recipe: recipeSchema.default({}),
        baseRevision: z.number().int().min(0).optional(),
      })
      .strict(),
    /** The new version; charged only when an old item's mask had to be computed (a model run). */
    z.object({ item: historyItemSchema, charged: z.boolean(), revision: z.number().int() }),
  ),
  /**
   * Stops the running edit.render / edit.setStrokes of item `id` (the id the call was made with): that
   * call answers CANCELLED and the item stays as it was. cancelled: false when none was running. One
   * already writing its result to the history finishes and answers as usual (never half-saved).
   */
  'edit.cancel': method(z.object({ id }).strict(), z.object({ ok: z.literal(true), cancelled: z.boolean() })),
  'edit.applyToMany': method(
    z
      .object({
        ids: z.array(id).min(1).max(10_000),
        recipe: recipeSchema,
      })
      .strict(),
    z.object({ items: z.array(historyItemSchema), failed: z.array(failedItemSchema) }),
  ),
  'history.export': method(
    // An existing file is never replaced unless asked.
    z.object({ path: z.string().min(1).max(4096), overwrite: z.boolean().default(false) }).strict(),
    z.object({ file: z.string(), items: z.number().int(), bytes: z.number() }),
  ),
  'account.status': method(empty, accountStatusSchema),
  'account.signIn': method(
    z.object({ keepHistory: z.boolean().default(true) }).strict(),
    accountStatusSchema,
  ),
  'account.signOut': method(empty, accountStatusSchema),
  /**
   * Deletes the current account's history, images, ledger and settings here, and a signed-in account's
   * email, password hash, sessions and devices on the license server. `confirm` must be true.
   */
  'account.delete': method(
    z.object({ confirm: z.literal(true) }).strict(),
    z.object({ deletedOnServer: z.boolean(), status: accountStatusSchema }),
  ),
  'account.buy': method(
    z.object({ packId: z.string().min(1).max(100) }).strict(),
    z.object({ checkoutUrl: z.string() }),
  ),
  'account.packs': method(
    empty,
    z.object({
      packs: z.array(
        z.object({ id: z.string(), tokens: z.number(), priceCents: z.number(), currency: z.string() }),
      ),
    }),
  ),
  'models.list': method(empty, z.object({ models: z.array(modelInfoSchema) })),
  /** Starts a download in the background; models.progress events follow until a final state. */
  'models.install': method(z.object({ id: modelId }).strict(), ok),
  /** Stops a running install (nothing is kept); cancelled: false when none was running. */
  'models.cancel': method(
    z.object({ id: modelId }).strict(),
    z.object({ ok: z.literal(true), cancelled: z.boolean() }),
  ),
  'models.remove': method(z.object({ id: modelId }).strict(), z.object({ removed: z.boolean() })),
  'settings.get': method(empty, settingsSchema),
  'settings.set': method(settingsSchema.partial().strict(), settingsSchema),

  // ── Files out (EDITOR-CONTRACT.md) ──
  /**
   * Save (to: 'outputDir', never overwriting) or Save as… (to: 'dialog'). In a browser the answer is a
   * download URL instead; `cancelled` when the user closed the save dialog.
   */
  'files.saveAs': method(
    z
      .object({
        imageId: id.optional(),
        generationId: id.optional(),
        suggestedName: z.string().min(1).max(255),
        to: z.enum(['outputDir', 'dialog']).default('outputDir'),
        path: z.string().min(1).max(4096).optional(),
        /** Replace a file already at `path` (else OUTPUT_EXISTS); the native save dialog asks itself. */
        overwrite: z.boolean().default(false),
      })
      .strict()
      .refine((p) => p.imageId !== undefined || p.generationId !== undefined, {
        message: 'give imageId or generationId',
        path: ['imageId'],
      }),
    z.union([
      z.object({ saved: z.string() }),
      z.object({ download: z.string() }),
      z.object({ cancelled: z.literal(true) }),
    ]),
  ),
  /** Shows a file Atelier wrote (or one in the output folder) in the OS file manager. */
  'files.reveal': method(z.object({ path: z.string().min(1).max(4096) }).strict(), ok),
  /** The native folder picker (Electron); null when cancelled or in a browser. */
  'files.pickFolder': method(empty, z.object({ path: z.string().nullable() })),
  /** Chosen items (ids) or what a filter shows (query) as a zip: a path, the save dialog, or a download. */
  'history.exportItems': method(
    z
      .object({
        ids: z.array(id).min(1).max(100_000).optional(),
        query: historyQuerySchema.omit({ cursor: true, limit: true }).optional(),
        path: z.string().min(1).max(4096).optional(),
        /** Replace a file already at `path` (else OUTPUT_EXISTS); the native save dialog asks itself. */
        overwrite: z.boolean().default(false),
      })
      .strict(),
    z.union([z.object({ file: z.string(), items: z.number().int() }), z.object({ download: z.string() })]),
  ),
  /**
   * "Export results": the finished files of chosen items (ids: the latest version of each) or of what
   * a filter shows, each named after its photo by the naming setting (clashes told apart), as a ZIP
   * (to a path, the save dialog, or a browser download) or into a folder (a path or the folder picker).
   * `written: 'none'` when the person closed the dialog. Items with no result are listed in `skipped`.
   */
  'files.exportResults': method(
    z
      .object({
        ids: z.array(id).min(1).max(100_000).optional(),
        query: historyQuerySchema.omit({ cursor: true, limit: true }).optional(),
        to: z.enum(['zip', 'folder']).default('zip'),
        path: z.string().min(1).max(4096).optional(),
      })
      .strict()
      .refine((p) => p.ids !== undefined || p.query !== undefined, {
        message: 'give ids or query',
        path: ['ids'],
      }),
    z.object({
      written: z.enum(['zip', 'folder', 'download', 'none']),
      path: z.string().nullable(),
      download: z.string().nullable(),
      /** The file names written (inside the ZIP, or in the folder). */
      names: z.array(z.string()),
      skipped: z.array(z.object({ id, name: z.string(), reason: z.string() })),
    }),
  ),
  /** What a batch of `count` photos will cost, and whether the account can pay for it now. */
  'batch.estimate': method(
    z
      .object({
        operation: operationNameSchema,
        params: z.record(z.string(), z.unknown()).default({}),
        count: z.number().int().min(0).max(100_000),
      })
      .strict(),
    z.object({
      /** Tokens when signed in; free generations when anonymous (one per photo). */
      tokens: z.number(),
      freeLeft: z.number().int().nullable(),
      balance: z.number().nullable(),
      enough: z.boolean(),
    }),
  ),
} as const;

export type MethodName = keyof typeof methods;
export type MethodParams<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type MethodResult<M extends MethodName> = z.infer<(typeof methods)[M]['result']>;

/** The application menu's commands (electron/main/menu.ts), delivered to the UI as `app.command`. */
export const APP_COMMANDS = [
  'open',
  'export-history',
  'go:studio',
  'go:history',
  'go:account',
  'go:settings',
] as const;
export type AppCommand = (typeof APP_COMMANDS)[number];

/**
 * Events pushed to the UI: by the engine (batch, account) and by the host (menu commands, files opened
 * with the app, dropped on the dock or passed to a second instance). scripts/contract-coverage.test.ts
 * fails for an event nobody subscribes to in renderer/src.
 */
export const events = {
  'batch.item': batchItemEventSchema,
  'batch.progress': batchProgressSchema,
  /** A batch that stopped on an error (not an item's failure): the UI ends its "running" state with it. */
  'batch.failed': z.object({
    batchId: z.string(),
    error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }),
  }),
  'account.changed': accountStatusSchema,
  'app.command': z.object({ command: z.enum(APP_COMMANDS) }),
  'app.openFiles': z.object({ paths: z.array(z.string()).min(1) }),
  'models.progress': modelProgressSchema,
  'edit.progress': editProgressSchema,
} as const;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

/** The typed API as the renderer sees it: one async function per method, plus event subscription. */
export type AtelierApi = {
  [M in MethodName]: (params: MethodParams<M>) => Promise<MethodResult<M>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** An error as it crosses a boundary (same shape as the engine's SerializedError). */
export const apiErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  file: z.string().optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}
