/** The media type of each image format sharp names (its `metadata().format`). */
export const MIME_BY_FORMAT: Readonly<Record<string, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  avif: 'image/avif',
  heif: 'image/heif',
};

/** The usual file extension of each image media type (a JPEG is saved as .jpg). */
export const EXT_BY_MIME: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/tiff': 'tiff',
  'image/gif': 'gif',
  'image/heif': 'heic',
};

/** The media type of a file extension (`.jpg` as well as `.jpeg`), undefined for an unknown one. */
export function mimeForExtension(ext: string): string | undefined {
  const bare = ext.replace(/^\./, '').toLowerCase();
  return MIME_BY_FORMAT[bare === 'jpg' ? 'jpeg' : bare];
}
