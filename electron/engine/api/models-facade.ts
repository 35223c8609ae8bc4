/**
 * The Models page's side of the engine: lists every model a user may see (development-only ones only
 * with the developer setting, as system.info), runs installs in the background through the same
 * installer as `atelier models install` (the mirror from ATELIER_MODELS_MIRROR), and reports each one
 * as `models.progress` events: downloading (throttled), verifying, then installed, failed or cancelled.
 */
import { AtelierError, toAtelierError } from '../errors';
import type { Engine } from '../engine';
import { installModel, mirrorFromEnv, removeModel, sourceUrl } from '../models/install';
import { modelSpeed } from '../models/speed';
import type { ModelInfo, ModelProgressEvent } from './contract';

/** At most one `downloading` event per model in this time: a 200 MB download has thousands of chunks. */
const PROGRESS_EVERY_MS = 150;

interface Running {
  controller: AbortController;
  received: number;
  total: number;
}

export class ModelsFacade {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly engine: Engine,
    private readonly showDevelopment: () => boolean,
    private readonly emit: (event: ModelProgressEvent) => void,
  ) {}

  list(): ModelInfo[] {
    const { registry, store } = this.engine;
    return registry.listForUsers(this.showDevelopment()).map((m) => {
      const running = this.running.get(m.entry.id);
      const installed = registry.isInstalled(m.entry.id);
      return {
        id: m.entry.id,
        name: m.entry.name,
        task: m.entry.task,
        summary: m.entry.summary ?? null,
        bytes: m.entry.bytes,
        license: m.entry.license,
        attribution: m.entry.attribution ?? null,
        commercialUse: m.entry.commercialUse,
        installed,
        installing: !!running,
        progress: running ? { received: running.received, total: running.total } : null,
        // Only a copy in the profile's models folder can be removed; the app's own files stay.
        removable:
          installed &&
          m.origin === 'bundled' &&
          registry.customDir !== undefined &&
          m.path.startsWith(registry.customDir),
        origin: m.origin,
        speed: modelSpeed(store, m.entry.id),
      };
    });
  }

  /**
   * Checks what can be checked at once (a known model, not the user's own, a usable mirror, not
   * already installing) and answers; the download itself runs on and reports through events.
   */
  install(id: string): void {
    const { registry } = this.engine;
    const { entry, origin } = registry.get(id);
    if (origin === 'custom') {
      throw new AtelierError('USAGE', `"${entry.name}" is one of your own models`, {
        hint: 'it comes from your custom models folder, so Atelier cannot download it',
      });
    }
    if (this.running.has(id)) {
      throw new AtelierError('USAGE', `"${entry.name}" is already being installed`, {
        hint: 'wait for it to finish, or cancel it',
      });
    }
    const mirror = mirrorFromEnv();
    try {
      sourceUrl(entry, mirror);
    } catch (error) {
      throw plain(toAtelierError(error), entry.name);
    }
    const running: Running = { controller: new AbortController(), received: 0, total: entry.bytes ?? 0 };
    this.running.set(id, running);
    let lastSent = 0;
    let verifying = false;
    const send = (state: ModelProgressEvent['state'], error?: AtelierError) =>
      this.emit({
        id,
        received: running.received,
        total: running.total,
        state,
        ...(error ? { error: plainError(error, entry.name) } : {}),
      });
    send('downloading');
    void installModel(registry, id, {
      mirror,
      signal: running.controller.signal,
      onProgress: (received, total) => {
        running.received = received;
        running.total = total;
        if (total > 0 && received >= total) {
          if (!verifying) send('verifying');
          verifying = true;
          return;
        }
        const now = performance.now();
        if (now - lastSent < PROGRESS_EVERY_MS) return;
        lastSent = now;
        send('downloading');
      },
    }).then(
      () => {
        this.running.delete(id);
        send('installed');
      },
      (error: unknown) => {
        this.running.delete(id);
        const e = toAtelierError(error);
        send(e.code === 'CANCELLED' ? 'cancelled' : 'failed', e);
      },
    );
  }

  cancel(id: string): boolean {
    const running = this.running.get(id);
    running?.controller.abort();
    return !!running;
  }

  async remove(id: string): Promise<boolean> {
    const { entry } = this.engine.registry.get(id);
    if (this.running.has(id)) {
      throw new AtelierError('USAGE', `"${entry.name}" is being installed`, {
        hint: 'cancel the install first',
      });
    }
    try {
      return await removeModel(this.engine.registry, id);
    } catch (error) {
      throw plain(toAtelierError(error), entry.name);
    }
  }

  /** Stops every running install (the host is closing): their partial files are removed. */
  cancelAll(): void {
    for (const running of this.running.values()) running.controller.abort();
  }
}

/**
 * The installer's hints are written for the command line (`--mirror URL`, `atelier models …`); the
 * Models page says the same in words a designer can act on.
 */
function uiHint(e: AtelierError, name: string): string | undefined {
  if (!e.hint || !/--mirror|ATELIER_MODELS_MIRROR|`atelier /.test(e.hint)) return e.hint;
  if (e.code === 'NOT_FOUND')
    return `Atelier has no download address for ${name}; it can only come from your studio's model mirror`;
  return 'try again later';
}

function plainError(e: AtelierError, name: string): NonNullable<ModelProgressEvent['error']> {
  const hint = uiHint(e, name);
  return { code: e.code, message: e.message, ...(hint ? { hint } : {}) };
}

function plain(e: AtelierError, name: string): AtelierError {
  return new AtelierError(e.code, e.message, { hint: uiHint(e, name), cause: e });
}
