/**
 * One image through an operation's stages, with no batch and no history: the engine's single API calls.
 * It lives in jobs/ (it is a one-item pipeline), so operations/ never imports the job runtime.
 */
import type { BoundOperation, OperationResult } from '../operations/types';
import { Pipeline } from './pipeline';

export async function runSingle(op: BoundOperation, input: string, output: string): Promise<OperationResult> {
  const pipeline = new Pipeline(op, { inferenceLanes: 1, ioLanes: 1, maxInFlight: 1, skipExisting: false });
  return (await pipeline.run({ id: 'single', input, output })).result;
}
