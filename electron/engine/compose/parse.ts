/**
 * The one parser for compose settings typed by people (CLI flags, API strings, saved presets):
 * each function returns a spec or throws an AtelierError('USAGE') naming the field and showing a
 * valid example.
 */
import { AtelierError } from '../errors';
import type { BackgroundSpec } from './background';
import { CANVAS_PRESETS, type CanvasPresetName, type CanvasSpec } from './canvas';
import type { Rgba } from './core/color';
import { CanvasSpecSchema, MAX_CANVAS_SIDE, ShadowSpecSchema } from './schemas';
import { defaultShadow, type ShadowSpec } from './shadow';

const NAMED_COLORS: Record<string, string> = {
  white: '#ffffff',
  black: '#000000',
  grey: '#808080',
  gray: '#808080',
  lightgrey: '#d3d3d3',
  lightgray: '#d3d3d3',
  silver: '#c0c0c0',
  red: '#ff0000',
  green: '#008000',
  blue: '#0000ff',
  yellow: '#ffff00',
  orange: '#ffa500',
  pink: '#ffc0cb',
  purple: '#800080',
  beige: '#f5f5dc',
  ivory: '#fffff0',
  cream: '#fffdd0',
  navy: '#000080',
};

function usage(field: string, message: string, example: string): AtelierError {
  return new AtelierError('USAGE', `${field}: ${message}`, { hint: `for example ${example}` });
}

/** `#rgb`, `#rrggbb`, `#rrggbbaa` or a common colour name. */
export function parseColor(text: string, field = 'color'): Rgba {
  const input = text.trim().toLowerCase();
  const hex = NAMED_COLORS[input] ?? input;
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(hex);
  if (!m?.[1]) throw usage(field, `"${text}" is not a colour`, '#ffffff, #fff, #00000080 or white');
  let digits = m[1];
  if (digits.length === 3) digits = [...digits].map((d) => d + d).join('');
  const at = (i: number) => parseInt(digits.slice(i, i + 2), 16);
  return { r: at(0), g: at(2), b: at(4), a: digits.length === 8 ? at(6) : 255 };
}

function parseNumber(text: string, field: string, example: string, min: number, max: number): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw usage(field, `"${text}" must be a number from ${min} to ${max}`, example);
  }
  return value;
}

/** transparent | #hex | name | linear:A,B[,angle] | radial:INNER,OUTER | blur[:radius] | image:PATH */
export function parseBackground(text: string, field = 'background'): BackgroundSpec {
  const input = text.trim();
  const colon = input.indexOf(':');
  const kind = (colon < 0 ? input : input.slice(0, colon)).toLowerCase();
  const rest = colon < 0 ? '' : input.slice(colon + 1);
  switch (kind) {
    case 'transparent':
    case 'none':
      return { type: 'transparent' };
    case 'linear': {
      const parts = rest.split(',');
      if (parts.length < 2 || parts.length > 3)
        throw usage(field, `"${text}" needs two colours and an optional angle`, 'linear:#ffffff,#d0d0d0,180');
      const angle =
        parts[2] === undefined
          ? 180
          : parseNumber(parts[2], `${field} angle`, 'linear:#fff,#000,90', -360, 360);
      return {
        type: 'linear',
        stops: [parseColor(parts[0] ?? '', `${field} colour`), parseColor(parts[1] ?? '', `${field} colour`)],
        angle,
      };
    }
    case 'radial': {
      const parts = rest.split(',');
      if (parts.length !== 2)
        throw usage(field, `"${text}" needs an inner and an outer colour`, 'radial:#ffffff,#cccccc');
      return {
        type: 'radial',
        inner: parseColor(parts[0] ?? '', `${field} colour`),
        outer: parseColor(parts[1] ?? '', `${field} colour`),
      };
    }
    case 'blur':
      return {
        type: 'blur',
        radius: rest === '' ? 24 : parseNumber(rest, `${field} blur radius`, 'blur:24', 0, 500),
      };
    case 'image':
      if (rest.trim() === '') throw usage(field, 'image needs a file path', 'image:/path/to/backdrop.jpg');
      return { type: 'image', path: rest.trim() };
    default:
      if (colon >= 0)
        throw usage(
          field,
          `unknown background kind "${kind}"`,
          'white, #f4f4f4, linear:#fff,#ddd,180, radial:#fff,#ccc, blur:24 or image:/path/bg.jpg',
        );
      return { type: 'color', color: parseColor(input, field) };
  }
}

export function isCanvasPreset(name: string): name is CanvasPresetName {
  return Object.hasOwn(CANVAS_PRESETS, name);
}

/** A preset name, or WIDTHxHEIGHT[@fill][,margin=PX][,align=center|bottom]. */
export function parseCanvas(text: string, field = 'canvas'): CanvasSpec {
  const input = text.trim().toLowerCase();
  if (isCanvasPreset(input)) return { ...CANVAS_PRESETS[input].canvas };
  const example = `1600x1200, 1600x1200@0.8, 1600x1200,margin=40 or a preset (${Object.keys(CANVAS_PRESETS).join(', ')})`;
  const [size = '', ...options] = input.split(',');
  const m = /^(\d+)\s*[x×]\s*(\d+)(?:@([0-9.]+))?$/.exec(size.trim());
  if (!m) throw usage(field, `"${text}" is not a preset or a WIDTHxHEIGHT size`, example);
  const spec: CanvasSpec = {
    width: parseNumber(m[1] ?? '', `${field} width`, example, 16, MAX_CANVAS_SIDE),
    height: parseNumber(m[2] ?? '', `${field} height`, example, 16, MAX_CANVAS_SIDE),
    fill: m[3] === undefined ? 0.85 : parseNumber(m[3], `${field} fill`, '1600x1200@0.8', 0.01, 1),
    align: 'center',
  };
  for (const option of options) {
    const [key = '', value = ''] = option.split('=').map((s) => s.trim());
    if (key === 'margin')
      spec.margin = Math.round(
        parseNumber(value, `${field} margin`, '1600x1200,margin=40', 0, MAX_CANVAS_SIDE),
      );
    else if (key === 'fill') spec.fill = parseNumber(value, `${field} fill`, '1600x1200,fill=0.8', 0.01, 1);
    else if (key === 'align' && (value === 'center' || value === 'bottom')) spec.align = value;
    else if (key === 'align')
      throw usage(`${field} align`, `"${value}" is not center or bottom`, '1600x1200,align=bottom');
    else throw usage(field, `unknown option "${key}"`, '1600x1200@0.85,margin=40,align=bottom');
  }
  const checked = CanvasSpecSchema.safeParse(spec);
  if (!checked.success)
    throw usage(`${field} margin`, 'the margin leaves no room for the subject', '1600x1200,margin=40');
  return spec;
}

/** on | soft | hard | off | none | opacity=0.4,blur=30,offsetY=4,spread=1.1 (unset keys keep the default). */
export function parseShadow(text: string, field = 'shadow'): ShadowSpec | null {
  const input = text.trim().toLowerCase();
  if (input === 'off' || input === 'none' || input === 'false') return null;
  if (input === 'on' || input === 'soft' || input === 'true' || input === '') return { ...defaultShadow };
  if (input === 'hard') return { ...defaultShadow, opacity: 0.6, blur: 6 };
  const spec: ShadowSpec = { ...defaultShadow };
  const example = 'on, off, soft, hard or opacity=0.4,blur=30';
  for (const pair of input.split(',')) {
    const [key = '', value] = pair.split('=').map((s) => s.trim());
    if (value === undefined) throw usage(field, `"${pair}" is not key=value`, example);
    if (key === 'opacity') spec.opacity = parseNumber(value, `${field} opacity`, 'opacity=0.4', 0, 1);
    else if (key === 'blur') spec.blur = parseNumber(value, `${field} blur`, 'blur=30', 0, 500);
    else if (key === 'offsety' || key === 'offset')
      spec.offsetY = parseNumber(value, `${field} offsetY`, 'offsetY=8', -1000, 1000);
    else if (key === 'spread') spec.spread = parseNumber(value, `${field} spread`, 'spread=1.1', 0.1, 5);
    else throw usage(field, `unknown setting "${key}"`, example);
  }
  ShadowSpecSchema.parse(spec);
  return spec;
}
