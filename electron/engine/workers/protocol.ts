/** What the engine's thread and a pool thread say to each other (pool.ts ⇄ pixel-worker.ts). */
import type { MessagePort } from 'node:worker_threads';
import type { LoggedError } from '../errors';
import type { TaskInput, TaskName } from './tasks';

export interface TaskMessage<N extends TaskName> {
  name: N;
  input: TaskInput<N>;
  /** Where progress fractions go, when the caller asked for them; PROGRESS_END is the last message. */
  progress?: MessagePort;
}

/** What a task ends with: its result, or its error serialized (a cloned Error keeps only its message). */
export type TaskReply = { ok: true; value: unknown } | { ok: false; error: LoggedError };

/** The last message on a progress port (fractions are 0..1). */
export const PROGRESS_END = -1;
