import type { SessionState } from '../api/serve-session';

const MESSAGES: Record<Exclude<SessionState, { ok: true }>['reason'], { title: string; body: string }> = {
  missing: {
    title: 'Open Atelier from its link',
    body: 'This page needs the access key in the link that `atelier serve` printed in your terminal. Open that link (it starts with http://127.0.0.1).',
  },
  rejected: {
    title: 'This link is from an earlier session',
    body: '`atelier serve` was restarted (or this is another Atelier), so this page’s access key no longer works. Open the new link it printed in your terminal.',
  },
  unreachable: {
    title: 'Cannot reach Atelier',
    body: 'Is `atelier serve` still running? Start it again and open the link it prints.',
  },
};

/** Shown instead of the studio when serve's access key is missing, old or wrong: never a raw error. */
export function AccessProblem({ reason }: { reason: keyof typeof MESSAGES }) {
  const message = MESSAGES[reason];
  return (
    <main className="welcome access-problem" data-testid="access-problem">
      <h1>{message.title}</h1>
      <p>{message.body}</p>
    </main>
  );
}
