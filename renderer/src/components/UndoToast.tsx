import { runUndo, useUndo } from '../undo';
import { Icon } from './icons';

/** "Deleted lamp.jpg — Undo", at the bottom of the window while the deletion can still be undone. */
export function UndoToast() {
  const offer = useUndo((s) => s.offer);
  if (!offer) return null;
  return (
    <div className="undo-toast" role="status" data-testid="undo-toast">
      <Icon name="trash" size={14} />
      <span>{offer.text}</span>
      <button className="button" onClick={() => void runUndo()} data-testid="undo">
        Undo
      </button>
      <button className="icon-button" aria-label="Dismiss" onClick={() => useUndo.setState({ offer: null })}>
        <Icon name="x" />
      </button>
    </div>
  );
}
