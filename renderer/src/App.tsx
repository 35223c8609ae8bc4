import { useEffect } from 'react';
import { api } from './api/client';
import { useAppEvents } from './app-events';
import { Account } from './components/Account';
import { DropZone } from './components/DropZone';
import { History } from './components/History';
import { Icon } from './components/icons';
import { OperationPanel } from './components/OperationPanel';
import { Privacy } from './components/Privacy';
import { Queue } from './components/Queue';
import { Settings } from './components/Settings';
import { UndoToast } from './components/UndoToast';
import { Sidebar } from './components/Sidebar';
import { TokenCheck } from './components/TokenCheck';
import { Viewer } from './components/Viewer';
import { usePictures } from './pictures/pictures-store';
import { useQueueKeys } from './queue-keys';
import { revealFile } from './results';
import { useStore, type View } from './store';
import { followEditProgress } from './editor/edit-progress';
import './flow.css';
import './studio-layout.css';

function Studio() {
  const queue = useStore((s) => s.queue);
  const selected = useStore((s) => s.selected);
  const selectedItemId = useStore((s) => s.selectedItemId);
  const opening = useStore((s) => s.queue.find((q) => q.key === s.openingKey) ?? null);
  useQueueKeys();
  return (
    <div className="studio">
      <div className="studio-main">
        <DropZone compact={queue.length > 0 || !!selected} />
        <TokenCheck />
        {opening && !selected ? (
          <div className="viewer empty" data-testid="viewer" data-opening={opening.name}>
            <p>
              Opening <strong>{opening.name}</strong>
              {opening.stage ? ` — ${opening.stage}…` : '…'}
            </p>
          </div>
        ) : queue.length > 0 || selected ? (
          <Viewer key={selectedItemId ?? 'none'} item={selected} />
        ) : (
          <Welcome />
        )}
        <Queue />
      </div>
      <OperationPanel />
    </div>
  );
}

function Welcome() {
  return (
    <div className="welcome">
      <h1>Clean cut-outs, new backgrounds, painted looks.</h1>
      <p>
        Everything runs on this computer. Choose an operation on the right, then drop photos or whole folders.
      </p>
    </div>
  );
}

const VIEWS: Record<View, () => React.ReactElement> = {
  studio: Studio,
  history: History,
  account: Account,
  settings: Settings,
  privacy: Privacy,
};
const SHORTCUTS: Record<string, View> = {
  '1': 'studio',
  '2': 'history',
  '3': 'account',
  ',': 'settings',
  '.': 'privacy',
};

export function App() {
  const view = useStore((s) => s.view);
  const notice = useStore((s) => s.notice);
  const settings = useStore((s) => s.settings);
  useAppEvents();

  useEffect(() => {
    const store = useStore.getState();
    void store.load();
    void usePictures.getState().load();
    const offs = [
      api.on('batch.item', (e) => useStore.getState().onItem(e)),
      api.on('batch.progress', (p) => useStore.getState().onProgress(p)),
      followEditProgress(),
      api.on('account.changed', (a) => {
        useStore.setState({ account: a });
        void useStore.getState().recheckTokens();
      }),
    ];
    const onKey = (e: KeyboardEvent) => {
      const target = SHORTCUTS[e.key];
      if ((e.ctrlKey || e.metaKey) && target) {
        e.preventDefault();
        useStore.getState().setView(target);
      }
      if ((e.ctrlKey || e.metaKey) && e.key === 'o') {
        e.preventDefault();
        document.querySelector<HTMLInputElement>('[data-testid="file-input"]')?.click();
      }
    };
    const onPaste = (e: ClipboardEvent) => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (files.length) void useStore.getState().addFiles(files);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('paste', onPaste);
    return () => {
      offs.forEach((off) => off());
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('paste', onPaste);
    };
  }, []);

  // Confirmations fade after a few seconds; errors stay until dismissed.
  useEffect(() => {
    if (notice?.kind !== 'info') return;
    const timer = setTimeout(() => useStore.setState({ notice: null }), notice.file ? 12_000 : 6_000);
    return () => clearTimeout(timer);
  }, [notice]);

  useEffect(() => {
    const theme = settings?.theme ?? 'system';
    if (theme === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', theme);
  }, [settings?.theme]);

  const Current = VIEWS[view];
  return (
    <div className="app">
      <Sidebar />
      <main className="content">
        {notice && (
          <div
            className={`notice ${notice.kind}`}
            role={notice.kind === 'error' ? 'alert' : 'status'}
            data-testid="notice"
          >
            <Icon name={notice.kind === 'error' ? 'alert' : 'check'} />
            <span>{notice.text}</span>
            {notice.file && (
              <button className="link-button" onClick={() => void revealFile(notice.file!)}>
                Show in folder
              </button>
            )}
            <button
              className="icon-button"
              aria-label="Dismiss"
              onClick={() => useStore.setState({ notice: null })}
            >
              <Icon name="x" />
            </button>
          </div>
        )}
        <Current />
      </main>
      <UndoToast />
    </div>
  );
}
