/**
 * A failed model install in plain words: a lost connection is said as such (the part downloaded is
 * kept and the install starts again when the connection is back), and addresses become the file's
 * name (the full address is in the log). Other errors keep the engine's message and hint.
 */
export function modelErrorText(error: { code: string; message: string; hint?: string }): string {
  // A server that answered (HTTP 404, 500…) is not a lost connection: its answer is what to show.
  if (error.code === 'NETWORK' && !/\bHTTP \d{3}\b/.test(error.message))
    return 'This computer seems to be offline, so the download stopped. What was downloaded is kept: it resumes when the connection is back.';
  const message = error.message.replace(/\bhttps?:\/\/\S*\/([^/\s]+)/g, '$1');
  return error.hint ? `${message}. ${capital(error.hint)}.` : message;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
