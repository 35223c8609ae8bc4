/**
 * What a result is called on screen (issue 19, "versions that mean something"): the original is
 * "Photo", a cut-out's versions are "Result 1, 2…", a stylize result carries its look's name, a
 * reference result says so. One place, so the queue, the panel and History say the same words.
 */
import type { HistoryItem, OperationName } from '../../electron/engine/api/contract';

type Looks = readonly { id: string; name: string }[] | undefined;

/** The look's display name for a stylize model id ("fns-candy" → "Candy"), or the id itself. */
export function lookName(model: unknown, looks: Looks): string {
  const id = typeof model === 'string' ? model : '';
  return looks?.find((m) => m.id === id)?.name ?? id;
}

/** What kind of result an item is, in a word or two ("Cut-out", "Candy look", "On a reference"). */
export function resultKind(item: Pick<HistoryItem, 'operation' | 'model' | 'params'>, looks: Looks): string {
  switch (item.operation) {
    case 'stylize':
      return `${lookName(item.model ?? item.params.model, looks)} look`;
    case 'compose':
      return 'On a reference';
    case 'background':
      return 'New background';
    default:
      return 'Cut-out';
  }
}

/** A version tile's label: index 0 is the original photo, then "Result 1, 2…". */
export function versionLabel(index: number): string {
  return index === 0 ? 'Photo' : `Result ${index}`;
}

export const OPERATION_VERBS: Record<OperationName, string> = {
  cutout: 'Cut out',
  background: 'New background',
  stylize: 'Stylize',
  compose: 'Place on the reference',
};

/**
 * What must be set before an operation can run, checked in the UI with the operation's own settings
 * (never another operation's): a plain sentence, or null when it can run.
 */
export function settingsProblem(operation: OperationName, params: Record<string, unknown>): string | null {
  if (operation === 'stylize' && (typeof params.model !== 'string' || !params.model))
    return 'Choose a look first.';
  if (operation === 'compose' && (typeof params.reference !== 'string' || !params.reference))
    return 'Choose a reference picture first.';
  const bg = params.background as { type?: string; path?: unknown } | undefined;
  if (bg?.type === 'image' && (typeof bg.path !== 'string' || !bg.path))
    return 'Choose a background picture first.';
  return null;
}
