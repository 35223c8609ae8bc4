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
  retentionDays: z.number().int().min(1).max(3650).nullable(),
  privacyMode: z.boolean(),
  analytics: z.boolean(),
  outputDir: z.string(),
  naming: z.string().min(1).max(200),
  theme: z.enum(['system', 'light', 'dark']),
  /** Developer setting: list development-only (non-commercial) models in the pickers. */
  developerModels: z.boolean(),
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
});
export type HistoryItem = z.infer<typeof historyItemSchema>;

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
  quota: z.object({ used: z.number().int(), limit: z.number().int() }).nullable(),
  prices: z.record(z.string(), z.number()),
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

function method<P extends z.ZodType, R extends z.ZodType>(params: P, result: R) {
  return { params, result };
}

/** Every method: `'area.verb': { params, result }`. */
export const methods = {
  'system.info': method(empty, systemInfoSchema),
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
  'history.delete': method(z.object({ id }).strict(), ok),
  'history.regenerate': method(
    z.object({ id, params: z.record(z.string(), z.unknown()).default({}) }).strict(),
    /** The new history item, linked to its source by sourceGenerationId. */
    historyItemSchema,
  ),
  'history.export': method(
    z.object({ path: z.string().min(1).max(4096) }).strict(),
    z.object({ file: z.string(), items: z.number().int(), bytes: z.number() }),
  ),
  'account.status': method(empty, accountStatusSchema),
  'account.signIn': method(
    z.object({ keepHistory: z.boolean().default(true) }).strict(),
    accountStatusSchema,
  ),
  'account.signOut': method(empty, accountStatusSchema),
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
  'settings.get': method(empty, settingsSchema),
  'settings.set': method(settingsSchema.partial().strict(), settingsSchema),
} as const;

export type MethodName = keyof typeof methods;
export type MethodParams<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type MethodResult<M extends MethodName> = z.infer<(typeof methods)[M]['result']>;

/** Events the engine pushes to the UI. */
export const events = {
  'batch.item': batchItemEventSchema,
  'batch.progress': batchProgressSchema,
  'account.changed': accountStatusSchema,
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
