/**
 * Output names and conflicts. `--name` is a template with {name} (the input's name without its
 * extension), {ext} (the output format's extension) and {model}; the output extension is appended
 * when the template does not end with it. Conflicts with files already on disk follow
 * `--on-conflict`; two inputs mapping to one output in the same batch are always told apart.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AtelierError } from '../errors';
import type { ImageFormat } from '../operations/types';
import type { InputFile } from './inputs';

export type ConflictPolicy = 'skip' | 'overwrite' | 'suffix';
export const DEFAULT_NAME_TEMPLATE = '{name}.{ext}';

export function extensionFor(format: ImageFormat): string {
  return format === 'jpeg' ? 'jpg' : format;
}

export function renderName(
  template: string,
  values: { input: string; format: ImageFormat; model: string },
): string {
  const ext = extensionFor(values.format);
  const name = path.basename(values.input, path.extname(values.input));
  const unknown = template.match(/\{(?!name\}|ext\}|model\})[^}]*\}/);
  if (unknown) {
    throw new AtelierError('USAGE', `Unknown placeholder ${unknown[0]} in --name "${template}"`, {
      hint: 'use {name}, {ext} and {model}',
    });
  }
  const rendered = template
    .replaceAll('{name}', name)
    .replaceAll('{ext}', ext)
    .replaceAll('{model}', values.model);
  if (rendered.includes('/') || rendered.includes('\\') || rendered === '' || rendered.startsWith('.')) {
    throw new AtelierError('USAGE', `--name "${template}" gives an invalid file name "${rendered}"`, {
      hint: 'the template must give a plain file name such as "{name}-cut.{ext}"',
    });
  }
  const equivalents = ext === 'jpg' ? ['.jpg', '.jpeg'] : [`.${ext}`];
  return equivalents.includes(path.extname(rendered).toLowerCase()) ? rendered : `${rendered}.${ext}`;
}

export interface PlannedItem {
  input: string;
  output: string;
  /** pending: to run; skipped / failed: decided before running (with note / error). */
  status: 'pending' | 'skipped' | 'failed';
  note?: string;
  error?: AtelierError;
}

export interface PlanOptions {
  outDir: string;
  template: string;
  format: ImageFormat;
  model: string;
  onConflict: ConflictPolicy;
}

export function planOutputs(files: readonly InputFile[], options: PlanOptions): PlannedItem[] {
  const claimed = new Set<string>();
  const planned: PlannedItem[] = [];
  for (const f of files) {
    const name = renderName(options.template, {
      input: f.file,
      format: options.format,
      model: options.model,
    });
    let output = path.resolve(options.outDir, f.relativeDir, name);
    const notes = f.note ? [f.note] : [];
    if (samePath(output, f.file)) {
      planned.push({
        input: f.file,
        output,
        status: 'failed',
        error: new AtelierError(
          'OUTPUT_IS_INPUT',
          `Refusing to overwrite the input ${f.file} with its output`,
          {
            hint: 'choose another --out folder or a --name template such as "{name}-cut.{ext}"',
            file: f.file,
          },
        ),
      });
      continue;
    }
    if (claimed.has(output)) {
      const free = freeName(output, (p) => claimed.has(p) || existsSync(p));
      notes.push(`renamed to ${path.basename(free)}: another input in this batch has the same output name`);
      output = free;
    } else if (existsSync(output)) {
      if (options.onConflict === 'skip') {
        claimed.add(output);
        planned.push({ input: f.file, output, status: 'skipped', note: 'output already exists' });
        continue;
      }
      if (options.onConflict === 'suffix') output = freeName(output, (p) => claimed.has(p) || existsSync(p));
    }
    claimed.add(output);
    planned.push({
      input: f.file,
      output,
      status: 'pending',
      ...(notes.length ? { note: notes.join('; ') } : {}),
    });
  }
  return planned;
}

/** `photo.png` → `photo-1.png`, `photo-2.png`… the first name `taken` says is free. */
export function freeName(file: string, taken: (p: string) => boolean): string {
  const ext = path.extname(file);
  const stem = file.slice(0, file.length - ext.length);
  for (let i = 1; ; i++) {
    const candidate = `${stem}-${i}${ext}`;
    if (!taken(candidate)) return candidate;
  }
}

function samePath(a: string, b: string): boolean {
  const norm = (p: string) =>
    process.platform === 'linux' ? path.resolve(p) : path.resolve(p).toLowerCase();
  return norm(a) === norm(b);
}
