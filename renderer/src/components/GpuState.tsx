import { useStore } from '../store';

/** What people call each GPU route (the technical names stay under Details). */
const PLAIN_GPU: Record<string, string> = {
  dml: 'the graphics card',
  coreml: 'the graphics chip',
  cuda: 'the NVIDIA graphics card',
};

/**
 * Where the models run, as one line in Settings ("Running on the CPU — no supported GPU found"), with
 * the technical detail (each provider and why it is unavailable, the last fallback) one click away.
 * The Studio does not repeat it.
 */
export function GpuState() {
  const info = useStore((s) => s.info);
  const choice = useStore((s) => s.settings?.provider);
  const fallbackReason = useStore((s) => s.fallbackReason);
  if (!info) return null;
  const gpu = info.providers.find((p) => p.provider !== 'cpu' && p.available);
  const line =
    choice === 'cpu'
      ? 'Running on the CPU, as chosen above'
      : fallbackReason
        ? 'Running on the CPU — the graphics card could not be used'
        : gpu
          ? `Running on ${PLAIN_GPU[gpu.provider] ?? 'the graphics card'}`
          : 'Running on the CPU — no supported GPU found';
  return (
    <div className="gpu-state" data-testid="gpu-state">
      <p>{line}</p>
      <details>
        <summary>Details</summary>
        <ul className="providers" data-testid="providers">
          {info.providers.map((p) => (
            <li key={p.provider} className={p.available ? 'ok' : 'off'}>
              <strong>{p.label}</strong> {p.available ? 'available' : `unavailable: ${p.reason}`}
            </li>
          ))}
        </ul>
        {fallbackReason && <p className="muted">Last run: {fallbackReason}</p>}
      </details>
    </div>
  );
}
