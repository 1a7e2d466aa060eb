/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into a flag that training checks at each batch boundary, so a run
 * stops cleanly and stays resumable. A second Ctrl-C exits at once.
 */
export class StopSignal {
  requested = false;
  private readonly onSignal = () => {
    if (this.requested) process.exit(130);
    this.requested = true;
    process.stderr.write('\nstopping at the next batch boundary (Ctrl-C again to exit at once)\n');
  };

  install(): this {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    return this;
  }

  uninstall(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

export class Interrupted extends Error {
  override name = 'Interrupted';
}

export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(readonly stage: number, readonly epoch: number, readonly batch: number, readonly value: number) {
    super(`stage ${stage}, epoch ${epoch + 1}, batch ${batch + 1}: the loss is ${value}; lower the learning rate or check the data`);
  }
}
