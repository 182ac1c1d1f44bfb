/** A one-line progress bar on stderr (a plain line per step when stderr is not a terminal). */
export class Progress {
  readonly #total: number;
  readonly #tty = Boolean(process.stderr.isTTY);
  #done = 0;
  #label = '';

  constructor(total: number) {
    this.#total = total;
  }

  step(label: string): void {
    this.#label = label;
    if (!this.#tty) process.stderr.write(`  … ${label}\n`);
    this.#draw();
  }

  tick(): void {
    this.#done++;
    this.#draw();
  }

  #draw(): void {
    if (!this.#tty) return;
    const width = 30;
    const filled = Math.round((this.#done / this.#total) * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    process.stderr.write(
      `\r  ${bar} ${String(this.#done).padStart(4)}/${this.#total}  ${this.#label.padEnd(48)}`,
    );
  }

  finish(): void {
    if (this.#tty) process.stderr.write('\n');
  }
}
