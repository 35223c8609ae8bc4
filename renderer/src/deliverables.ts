/**
 * "Export results": the finished files of chosen items (or of what a History filter shows), each named
 * after its photo, as a ZIP (a download in a browser) or into a folder chosen in the desktop app's
 * folder picker. The data export (history, originals, masks) is elsewhere: Settings ▸ Privacy.
 */
import type { MethodParams } from '../../electron/engine/api/contract';
import { api, downloadUrl, errorText } from './api/client';
import { useStore } from './store';

export type ResultsSelection = Pick<MethodParams<'files.exportResults'>, 'ids' | 'query'>;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export async function exportResults(selection: ResultsSelection, to: 'zip' | 'folder'): Promise<void> {
  const { notify } = useStore.getState();
  try {
    const result = await api['files.exportResults']({ ...selection, to });
    if (result.written === 'none') return;
    const skipped = result.skipped.length
      ? ` — ${plural(result.skipped.length, 'photo has', 'photos have')} no result (${result.skipped
          .slice(0, 3)
          .map((s) => `${s.name}: ${s.reason}`)
          .join('; ')})`
      : '';
    const count = plural(result.names.length, 'file', 'files');
    if (result.written === 'download' && result.download) {
      const name = decodeURIComponent(result.download.split('/').pop() ?? 'atelier-results.zip');
      await downloadUrl(result.download, name);
      notify('info', `Downloaded ${name}: ${count} named after their photos${skipped}`);
    } else if (result.written === 'zip' && result.path) {
      notify('info', `Exported ${count} as ${baseName(result.path)}${skipped}`, result.path);
    } else if (result.path) {
      const first = result.names[0];
      notify(
        'info',
        `Exported ${count} into ${baseName(result.path)}${skipped}`,
        first ? `${result.path}/${first}` : undefined,
      );
    }
  } catch (error) {
    notify('error', errorText(error));
  }
}

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;
