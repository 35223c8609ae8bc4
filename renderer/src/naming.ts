/**
 * The file name a result is saved under, shown in the Studio before saving: the naming setting's
 * {name} (the original's name without extension), {ext} and {model}, with the format's extension
 * added when the template leaves it out — the same rule as the engine's jobs/naming.ts.
 */
export function extensionFor(format: string): string {
  return format === 'jpeg' ? 'jpg' : format;
}

export function outputFileName(template: string, inputName: string, format: string, model: string): string {
  const ext = extensionFor(format);
  const base = inputName.split(/[\\/]/).pop() ?? inputName;
  const name = base.replace(/\.[^.]+$/, '');
  const rendered = template.replaceAll('{name}', name).replaceAll('{ext}', ext).replaceAll('{model}', model);
  const equivalents = ext === 'jpg' ? ['.jpg', '.jpeg'] : [`.${ext}`];
  const dot = rendered.lastIndexOf('.');
  const current = dot > 0 ? rendered.slice(dot).toLowerCase() : '';
  return equivalents.includes(current) ? rendered : `${rendered}.${ext}`;
}
