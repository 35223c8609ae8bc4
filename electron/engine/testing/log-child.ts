/**
 * A host process in miniature for log.test.ts: installs the process error handlers on a profile's log,
 * lets a promise reject with nobody listening, then shows it is still alive.
 */
import { errorSinkFor, handleProcessErrors } from '../log/error-sink';

const sink = errorSinkFor(process.argv[2]!);
handleProcessErrors(sink, () => process.exit(3));
void Promise.reject(new Error('nobody awaited me', { cause: new Error('the root cause') }));
setTimeout(() => console.log('still alive'), 100);
