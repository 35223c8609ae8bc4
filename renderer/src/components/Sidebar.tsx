import { useStore, type View } from '../store';
import { Icon } from './icons';

const ITEMS: { view: View; label: string; key: string }[] = [
  { view: 'studio', label: 'Studio', key: '1' },
  { view: 'history', label: 'History', key: '2' },
  { view: 'account', label: 'Account', key: '3' },
  { view: 'settings', label: 'Settings', key: ',' },
  { view: 'privacy', label: 'Privacy', key: '.' },
];

export function Sidebar() {
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  const account = useStore((s) => s.account);
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden>
          A
        </span>
        Atelier
      </div>
      {ITEMS.map((item) => (
        <button
          key={item.view}
          className={`nav-item ${view === item.view ? 'active' : ''}`}
          aria-current={view === item.view ? 'page' : undefined}
          onClick={() => setView(item.view)}
          title={`${item.label} (Ctrl+${item.key})`}
        >
          <Icon name={item.view} />
          {item.label}
        </button>
      ))}
      <div className="sidebar-foot">
        {account?.kind === 'signed_in' ? (
          <span>{account.balance ?? '—'} tokens</span>
        ) : account?.quota ? (
          <span>
            {Math.max(0, account.quota.limit - account.quota.used)} of {account.quota.limit} free today
          </span>
        ) : null}
      </div>
    </nav>
  );
}
