/** A pause gate: `wait()` resolves at once while open, and when `open()` is called while closed. */
export class Gate {
  private opened = true;
  private waiters: (() => void)[] = [];

  get isOpen(): boolean {
    return this.opened;
  }

  close(): void {
    this.opened = false;
  }

  open(): void {
    this.opened = true;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }

  wait(): Promise<void> {
    if (this.opened) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
