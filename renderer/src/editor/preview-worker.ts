/**
 * The live preview's Web Worker: composes off the UI thread, so dragging a slider never stalls
 * painting or input. Messages are those of preview-job.ts; results come back by transfer.
 */
import { PreviewJob, transferables, type FromWorker, type ToWorker } from './preview-job';

const job = new PreviewJob();

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  const id = message.type === 'compose' ? message.id : -1;
  try {
    const t = performance.now();
    const result = job.handle(message);
    if (!result) return;
    const reply: FromWorker = { type: 'composed', id, ...result, ms: performance.now() - t };
    (self as unknown as Worker).postMessage(reply, transferables(result.preview));
  } catch (error) {
    const reply: FromWorker = {
      type: 'failed',
      id,
      message: error instanceof Error ? error.message : String(error),
    };
    (self as unknown as Worker).postMessage(reply);
  }
};
