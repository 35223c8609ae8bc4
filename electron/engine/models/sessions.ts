import os from 'node:os';
import { AtelierError } from '../errors';
import { createRemoteSession, type ModelSession } from '../workers/inference';
import { loadOrt } from './ort';
import type { ModelEntry } from './manifest';
import {
  PROVIDER_LABELS,
  providerPlan,
  providerUnavailableReason,
  type ProviderAttempt,
  type ProviderName,
  type ProviderReport,
  type ProviderRequest,
} from './providers';
import type { ModelRegistry } from './registry';

export { loadOrt };

export interface LoadedModel {
  entry: ModelEntry;
  /** Runs in the engine's inference thread (workers/inference.ts), never on the engine's own thread. */
  session: ModelSession;
  inputName: string;
  outputName: string;
  provider: ProviderReport;
}

export interface SessionOptions {
  /** Threads for one inference; defaults to all the machine's cores (`defaultIntraOpThreads`). */
  intraOpThreads?: number;
}

/**
 * All the cores, said explicitly: left to itself onnxruntime sizes its pool from the cores it detects
 * and pins the threads, and on our 2-core CI machines that ran u2netp at one thread's speed (282 ms a
 * run at 320², against 151 ms with two threads named).
 */
export function defaultIntraOpThreads(): number {
  return os.availableParallelism();
}

/**
 * Creates and caches one onnxruntime session per (model, provider request). Tries providers in the
 * order of `providerPlan`, records every attempt and why it failed, and reports the one that ran.
 */
export class ModelSessions {
  private readonly cache = new Map<string, Promise<LoadedModel>>();

  constructor(
    private readonly registry: ModelRegistry,
    /** What every session is created with (read by tests and the settings page's "applies after restart"). */
    readonly options: SessionOptions = {},
  ) {}

  load(id: string, request: ProviderRequest = 'auto'): Promise<LoadedModel> {
    const key = `${id}|${request}`;
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.create(id, request);
      this.cache.set(key, pending);
      // A failed load must not be cached: the user may fix the file and retry.
      pending.catch(() => this.cache.delete(key));
    }
    return pending;
  }

  async dispose(): Promise<void> {
    const all = [...this.cache.values()];
    this.cache.clear();
    for (const p of all) {
      const loaded = await p.catch(() => undefined);
      await loaded?.session.release();
    }
  }

  private async create(id: string, request: ProviderRequest): Promise<LoadedModel> {
    const loc = await this.registry.locateVerified(id);
    const plan = providerPlan(request);
    const attempts: ProviderAttempt[] = [];
    if (plan.length === 0) {
      throw new AtelierError(
        'PROVIDER_UNAVAILABLE',
        `No GPU execution provider exists for ${process.platform}`,
        {
          hint: 'use --provider auto or cpu',
        },
      );
    }
    for (const provider of plan) {
      const unavailable = providerUnavailableReason(provider);
      if (unavailable) {
        attempts.push({ provider, ok: false, reason: unavailable });
        continue;
      }
      let session: ModelSession;
      try {
        session = await createRemoteSession(loc.path, {
          executionProviders: [provider],
          graphOptimizationLevel: 'all',
          intraOpNumThreads: this.options.intraOpThreads ?? defaultIntraOpThreads(),
          // The memory pattern plans one block for the activations from the first run and allocates
          // it on the second: with it, a fresh session's second run cost as much as its first (u2netp:
          // 500 ms against 150 steady, every CLI process paying it); without it, 165 ms, and the same
          // speed after. DirectML requires it off.
          enableMemPattern: false,
          // Idle intra-op threads sleep instead of spinning: while a batch's pixel work runs beside the
          // model on the same cores, spinning threads took their time (10 photos of 0.4 MP on 2 cores:
          // 4.8 → 4.4 s wall, 8.8 → 7.8 s CPU); alone, a run is as fast either way (u2netp ~150 ms).
          extra: { session: { intra_op: { allow_spinning: '0' } } },
        });
      } catch (cause) {
        const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
        if (provider === 'cpu') {
          throw new AtelierError(
            'MODEL_CORRUPT',
            `onnxruntime cannot load model "${id}" (${loc.path}): ${message}`,
            {
              hint: 'the file is not a valid ONNX model; delete it and run `npm run models`',
              file: loc.path,
              cause,
            },
          );
        }
        attempts.push({ provider, ok: false, reason: message ?? 'failed to initialise' });
        continue;
      }
      attempts.push({ provider, ok: true });
      // Outside the try: a manifest naming tensors the file lacks is a MODEL_CONTRACT error, not a
      // corrupt file, and must not be reported as one.
      try {
        return {
          entry: loc.entry,
          session,
          inputName: resolveName(loc.entry.input.name, session.inputNames, 'input', loc.entry),
          outputName: resolveName(loc.entry.output.name, session.outputNames, 'output', loc.entry),
          provider: report(request, provider, attempts),
        };
      } catch (error) {
        await session.release();
        throw error;
      }
    }
    const why = attempts.map((a) => `${PROVIDER_LABELS[a.provider]}: ${a.reason}`).join('; ');
    throw new AtelierError(
      'PROVIDER_UNAVAILABLE',
      `No requested execution provider could run "${id}" (${why})`,
      {
        hint: 'use --provider auto to fall back to the CPU',
      },
    );
  }
}

function resolveName(
  declared: string | null,
  actual: readonly string[],
  kind: string,
  entry: ModelEntry,
): string {
  if (declared === null) {
    const first = actual[0];
    if (!first)
      throw new AtelierError('MODEL_CONTRACT', `Model "${entry.id}" has no ${kind}s`, { file: entry.file });
    return first;
  }
  if (!actual.includes(declared)) {
    throw new AtelierError(
      'MODEL_CONTRACT',
      `Model "${entry.id}" has no ${kind} named "${declared}" (it has ${actual.join(', ')})`,
      { hint: `fix the ${kind}.name of its manifest entry`, file: entry.file },
    );
  }
  return declared;
}

function report(request: ProviderRequest, used: ProviderName, attempts: ProviderAttempt[]): ProviderReport {
  const failed = attempts.filter((a) => !a.ok);
  return {
    requested: request,
    used,
    attempts,
    ...(failed.length > 0
      ? {
          fallbackReason: failed.map((a) => `${PROVIDER_LABELS[a.provider]} skipped: ${a.reason}`).join('; '),
        }
      : {}),
  };
}
