import { describe, expect, it } from 'vitest';
import { AtelierError } from '../errors';
import { CANVAS_PRESETS } from './canvas';
import { parseBackground, parseCanvas, parseColor, parseShadow } from './parse';
import { BackgroundSpecSchema, CanvasSpecSchema, ShadowSpecSchema } from './schemas';
import { defaultShadow } from './shadow';

/** Runs `fn`, expecting a USAGE AtelierError whose message starts with the field name. */
function usageError(fn: () => unknown, field: string): AtelierError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AtelierError);
    const e = error as AtelierError;
    expect(e.code).toBe('USAGE');
    expect(e.message.startsWith(`${field}:`)).toBe(true);
    expect(e.hint).toMatch(/for example/);
    return e;
  }
  throw new Error(`expected a USAGE error for ${field}`);
}

describe('parseColor', () => {
  it('reads hex forms and names', () => {
    expect(parseColor('#ffffff')).toEqual({ r: 255, g: 255, b: 255, a: 255 });
    expect(parseColor('#0a0')).toEqual({ r: 0, g: 170, b: 0, a: 255 });
    expect(parseColor('#11223380')).toEqual({ r: 0x11, g: 0x22, b: 0x33, a: 0x80 });
    expect(parseColor(' White ')).toEqual({ r: 255, g: 255, b: 255, a: 255 });
  });
  it('names the field on bad input', () => {
    usageError(() => parseColor('#ggg'), 'color');
    usageError(() => parseColor('blurple', 'text colour'), 'text colour');
  });
});

describe('parseBackground', () => {
  it('reads every kind', () => {
    expect(parseBackground('transparent')).toEqual({ type: 'transparent' });
    expect(parseBackground('#ffffff')).toEqual({ type: 'color', color: { r: 255, g: 255, b: 255, a: 255 } });
    expect(parseBackground('white')).toEqual(parseBackground('#fff'));
    expect(parseBackground('linear:#fff,#000,90')).toEqual({
      type: 'linear',
      stops: [parseColor('#fff'), parseColor('#000')],
      angle: 90,
    });
    expect(parseBackground('linear:#fff,#000')).toMatchObject({ angle: 180 });
    expect(parseBackground('radial:#fff,#ccc')).toEqual({
      type: 'radial',
      inner: parseColor('#fff'),
      outer: parseColor('#ccc'),
    });
    expect(parseBackground('blur:24')).toEqual({ type: 'blur', radius: 24 });
    expect(parseBackground('blur')).toEqual({ type: 'blur', radius: 24 });
    expect(parseBackground('image:/path/bg.jpg')).toEqual({ type: 'image', path: '/path/bg.jpg' });
    expect(parseBackground('image:C:\\Users\\me\\bg.jpg')).toEqual({
      type: 'image',
      path: 'C:\\Users\\me\\bg.jpg',
    });
  });
  it('produces specs the API schema accepts', () => {
    for (const text of [
      'transparent',
      '#123',
      'linear:#fff,#000,45',
      'radial:#fff,#ccc',
      'blur:3',
      'image:/a.png',
    ]) {
      expect(BackgroundSpecSchema.safeParse(parseBackground(text)).success).toBe(true);
    }
    expect(
      BackgroundSpecSchema.safeParse({ type: 'color', color: { r: 300, g: 0, b: 0, a: 255 } }).success,
    ).toBe(false);
  });
  it('names the field on bad input', () => {
    usageError(() => parseBackground('linear:#fff'), 'background');
    usageError(() => parseBackground('linear:#fff,#000,north'), 'background angle');
    usageError(() => parseBackground('radial:#fff,nope'), 'background colour');
    usageError(() => parseBackground('blur:-3'), 'background blur radius');
    usageError(() => parseBackground('image:'), 'background');
    usageError(() => parseBackground('plaid:#fff'), 'background');
    usageError(() => parseBackground('chartreuse-ish', 'bg'), 'bg');
  });
});

describe('parseCanvas', () => {
  it('reads presets and sizes with fill, margin and align', () => {
    expect(parseCanvas('amazon')).toEqual(CANVAS_PRESETS.amazon.canvas);
    expect(parseCanvas('square-2000')).toEqual({ width: 2000, height: 2000, fill: 0.85, align: 'center' });
    expect(parseCanvas('1600x1200')).toEqual({ width: 1600, height: 1200, fill: 0.85, align: 'center' });
    expect(parseCanvas('1600x1200@0.8')).toMatchObject({ fill: 0.8 });
    expect(parseCanvas('1600x1200,margin=40')).toMatchObject({ margin: 40, fill: 0.85 });
    expect(parseCanvas('800x600@0.7,margin=10,align=bottom')).toEqual({
      width: 800,
      height: 600,
      fill: 0.7,
      margin: 10,
      align: 'bottom',
    });
    expect(CanvasSpecSchema.safeParse(parseCanvas('etsy')).success).toBe(true);
  });
  it('names the field on bad input', () => {
    usageError(() => parseCanvas('huge'), 'canvas');
    usageError(() => parseCanvas('0x100'), 'canvas width');
    usageError(() => parseCanvas('100x99999'), 'canvas height');
    usageError(() => parseCanvas('100x100@1.5'), 'canvas fill');
    usageError(() => parseCanvas('100x100,margin=60'), 'canvas margin');
    usageError(() => parseCanvas('100x100,align=left'), 'canvas align');
    usageError(() => parseCanvas('100x100,padding=3'), 'canvas');
  });
});

describe('parseShadow', () => {
  it('reads switches and settings', () => {
    expect(parseShadow('on')).toEqual(defaultShadow);
    expect(parseShadow('soft')).toEqual(defaultShadow);
    expect(parseShadow('off')).toBeNull();
    expect(parseShadow('opacity=0.4,blur=30')).toEqual({ ...defaultShadow, opacity: 0.4, blur: 30 });
    expect(ShadowSpecSchema.safeParse(parseShadow('hard')).success).toBe(true);
  });
  it('names the field on bad input', () => {
    usageError(() => parseShadow('opacity=2'), 'shadow opacity');
    usageError(() => parseShadow('blur=soft'), 'shadow blur');
    usageError(() => parseShadow('colour=red'), 'shadow');
    usageError(() => parseShadow('maybe'), 'shadow');
  });
});
