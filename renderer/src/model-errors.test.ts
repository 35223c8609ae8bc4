/**
 * Regression: an offline model install showed "was interrupted" and the mirror's address. It now says
 * the computer is offline and that the download resumes; addresses never reach the screen.
 */
import { describe, expect, it } from 'vitest';
import { modelErrorText } from './model-errors';

describe('model install errors in plain words', () => {
  it('offline: says so and that it resumes, with no address', () => {
    const text = modelErrorText({
      code: 'NETWORK',
      message:
        'Download of model "isnet-general-use" from https://github.com/danielgatis/rembg/releases/download/v0.0.0/isnet-general-use.onnx was interrupted',
      hint: 'the part already downloaded is kept: install again to resume',
    });
    expect(text).toContain('offline');
    expect(text).toContain('resumes when the connection is back');
    expect(text).not.toMatch(/https?:|github|interrupted/i);
  });

  it('other failures keep their message, with the address shortened to the file', () => {
    const text = modelErrorText({
      code: 'MODEL_CORRUPT',
      message: 'HTTP 404 for http://127.0.0.1:4321/models/studio-gone.onnx',
      hint: 'check the mirror holds this model',
    });
    expect(text).toBe('HTTP 404 for studio-gone.onnx. Check the mirror holds this model.');
  });

  it('a server that answered with an error is not called offline (the 404 is shown, not the address)', () => {
    const text = modelErrorText({
      code: 'NETWORK',
      message:
        'Download of model "studio-gone" failed: HTTP 404 from http://127.0.0.1:4321/models/studio-gone.onnx',
    });
    expect(text).not.toContain('offline');
    expect(text).toBe('Download of model "studio-gone" failed: HTTP 404 from studio-gone.onnx');
  });
});
