import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { inElectron } from './api/client';
import { startServeSession, type SessionState } from './api/serve-session';
import { AccessProblem } from './components/AccessProblem';
import './styles.css';
import './seams.css';

const root = document.getElementById('root');
if (root) {
  // In a browser (atelier serve) the access key is checked before the studio asks anything of the API.
  const session: Promise<SessionState> = inElectron ? Promise.resolve({ ok: true }) : startServeSession();
  void session.then((state) =>
    createRoot(root).render(
      <StrictMode>{state.ok ? <App /> : <AccessProblem reason={state.reason} />}</StrictMode>,
    ),
  );
}
