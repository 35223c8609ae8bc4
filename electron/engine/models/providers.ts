import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

export type ProviderRequest = 'auto' | 'cpu' | 'gpu';
/** onnxruntime-node's execution provider names. */
export type ProviderName = 'dml' | 'coreml' | 'cuda' | 'cpu';

export interface ProviderAttempt {
  provider: ProviderName;
  ok: boolean;
  /** Why this provider was skipped or failed. */
  reason?: string;
}

/** What ran and why: reported with every result, so a CPU fallback is never silent. */
export interface ProviderReport {
  requested: ProviderRequest;
  used: ProviderName;
  /** Set when `used` is not the first provider the request would have preferred. */
  fallbackReason?: string;
  attempts: ProviderAttempt[];
}

export const PROVIDER_LABELS: Record<ProviderName, string> = {
  dml: 'DirectML (GPU)',
  coreml: 'CoreML (GPU/Neural Engine)',
  cuda: 'CUDA (GPU)',
  cpu: 'CPU',
};

/** The platform's GPU provider, in the order `auto` tries them. */
export function gpuProviderFor(platform: NodeJS.Platform = process.platform): ProviderName | undefined {
  if (platform === 'win32') return 'dml';
  if (platform === 'darwin') return 'coreml';
  if (platform === 'linux') return 'cuda';
  return undefined;
}

/**
 * onnxruntime-node ships DirectML (Windows) and CoreML (macOS) inside its package; the CUDA provider
 * library is a separate download (skipped in our installs), so on Linux CUDA is only worth trying
 * when that library is present next to the binding.
 */
export function providerUnavailableReason(
  provider: ProviderName,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (provider === 'cpu') return undefined;
  if (provider === 'dml' && platform !== 'win32') return 'DirectML exists only on Windows';
  if (provider === 'coreml' && platform !== 'darwin') return 'CoreML exists only on macOS';
  if (provider === 'cuda') {
    if (platform !== 'linux' && platform !== 'win32') return 'CUDA is not supported on this OS';
    const lib = cudaProviderLibrary();
    if (!lib)
      return 'the onnxruntime CUDA provider library is not installed (onnxruntime-node was installed without its CUDA download)';
  }
  return undefined;
}

function cudaProviderLibrary(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
    const binRoot = path.join(pkg, 'bin');
    for (const napi of readdirSync(binRoot)) {
      const dir = path.join(binRoot, napi, process.platform, process.arch);
      for (const name of ['libonnxruntime_providers_cuda.so', 'onnxruntime_providers_cuda.dll']) {
        if (existsSync(path.join(dir, name))) return path.join(dir, name);
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Providers to try, in order, for a request. `gpu` never falls back to the CPU: the user asked for a GPU. */
export function providerPlan(
  request: ProviderRequest,
  platform: NodeJS.Platform = process.platform,
): ProviderName[] {
  const gpu = gpuProviderFor(platform);
  if (request === 'cpu') return ['cpu'];
  if (request === 'gpu') return gpu ? [gpu] : [];
  return gpu ? [gpu, 'cpu'] : ['cpu'];
}
