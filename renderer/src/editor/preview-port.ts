/**
 * The channel to the preview worker: a module Web Worker in the browser (Vite bundles
 * preview-worker.ts). Where there is no Worker (the Node unit tests), the same PreviewJob answers
 * on a later task of this thread, so callers see the same asynchronous replies.
 */
import { PreviewJob, transferables, type FromWorker, type ToWorker } from './preview-job';

export interface PreviewPort {
  post(message: ToWorker, transfer?: Transferable[]): void;
  onReply: ((reply: FromWorker) => void) | null;
  close(): void;
}

export function openPreviewPort(): PreviewPort {
  if (typeof Worker === 'undefined') return inThreadPort();
  const worker = new Worker(new URL('./preview-worker.ts', import.meta.url), { type: 'module' });
  const port: PreviewPort = {
    post: (message, transfer = []) => worker.postMessage(message, transfer),
    onReply: null,
    close: () => worker.terminate(),
  };
  worker.onmessage = (event: MessageEvent<FromWorker>) => port.onReply?.(event.data);
  worker.onerror = (event) => {
    // A worker that failed to load or crashed: every waiting compose is answered with the reason.
    event.preventDefault();
    port.onReply?.({ type: 'failed', id: -1, message: event.message || 'the preview worker stopped' });
  };
  return port;
}

function inThreadPort(): PreviewPort {
  const job = new PreviewJob();
  let closed = false;
  const port: PreviewPort = {
    post: (message, transfer = []) => {
      // Messages and replies are transferred as between threads (the sender's buffers detached), so
      // tests see what the app does.
      const received = structuredClone(message, { transfer });
      setTimeout(() => {
        if (closed) return;
        const id = received.type === 'compose' ? received.id : -1;
        try {
          const t = performance.now();
          const result = job.handle(received);
          if (result) {
            const reply: FromWorker = { type: 'composed', id, ...result, ms: performance.now() - t };
            port.onReply?.(structuredClone(reply, { transfer: transferables(result.preview) }));
          }
        } catch (error) {
          port.onReply?.({
            type: 'failed',
            id,
            message: error instanceof Error ? error.message : String(error),
          });
        }
      }, 0);
    },
    onReply: null,
    close: () => {
      closed = true;
    },
  };
  return port;
}
