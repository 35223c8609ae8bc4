/**
 * The entry point of the engine's pool threads (piscina loads it in each worker; scripts/build-engine.js
 * bundles it as its own file beside the engine's bundles; from the sources, pixel-worker.dev.mjs loads it
 * through tsx). One function dispatches the tasks by name; what a task throws
 * comes back as a serialized AtelierError (code, hint, file and stack kept), because a structured clone
 * of an Error keeps only its message.
 */
import { Piscina } from 'piscina';
import { errorForLog } from '../errors';
import { PROGRESS_END, type TaskMessage, type TaskReply } from './protocol';
import { implementations, resultBuffers, type Progress, type TaskInput, type TaskName } from './tasks';

/** Runs one task; piscina calls this for every message the pool sends. */
export default async function runTask<N extends TaskName>({
  name,
  input,
  progress,
}: TaskMessage<N>): Promise<unknown> {
  try {
    const report = (fraction: number) => progress?.postMessage(fraction);
    const implementation = implementations[name] as (i: TaskInput<N>, p: Progress) => Promise<unknown>;
    if (!implementation) throw new Error(`No pixel task named ${String(name)}`);
    const value = (await implementation(input, report)) as Record<string, unknown>;
    const reply: TaskReply = { ok: true, value };
    // move(): the result's buffers go back by transfer (piscina unwraps the reply on the other side).
    return Piscina.move({
      [Piscina.transferableSymbol]: resultBuffers(value),
      [Piscina.valueSymbol]: reply,
    } as never);
  } catch (error) {
    const reply: TaskReply = { ok: false, error: errorForLog(error) };
    return reply;
  } finally {
    progress?.postMessage(PROGRESS_END);
    progress?.close();
  }
}
