/**
 * Save as… in a browser (issue 19): where the File System Access API is present (Chromium), the
 * browser's own save dialog asks for the name and the place; elsewhere the app asks for the name and
 * the file is downloaded under it. Electron uses the native dialog through the Host instead.
 */
import { downloadUrl, fetchBlob } from './api/client';

interface SavePicker {
  showSaveFilePicker?(options: {
    suggestedName: string;
    types?: { description: string; accept: Record<string, string[]> }[];
  }): Promise<{
    name: string;
    createWritable(): Promise<{ write(b: Blob): Promise<void>; close(): Promise<void> }>;
  }>;
}

const MIME: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

/** Writes the download `url` where the person says; the name saved under, or null when they cancelled. */
export async function saveDownloadAs(url: string, suggestedName: string): Promise<string | null> {
  const picker = (window as unknown as SavePicker).showSaveFilePicker;
  if (picker) {
    const ext = suggestedName.split('.').pop()?.toLowerCase() ?? 'png';
    let handle;
    try {
      handle = await picker.call(window, {
        suggestedName,
        types: [{ description: 'Image', accept: { [MIME[ext] ?? 'image/png']: [`.${ext}`] } }],
      });
    } catch (error) {
      if ((error as DOMException).name === 'AbortError') return null;
      throw error;
    }
    const blob = await fetchBlob(url);
    const writable = await handle.createWritable();
    await writable.write(blob);
    await writable.close();
    return handle.name;
  }
  const typed = window.prompt('Save as', suggestedName)?.trim();
  if (!typed) return null;
  await downloadUrl(url, typed);
  return typed;
}
