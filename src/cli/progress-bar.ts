/** A one-line progress bar on stderr; without a terminal, a line every 10 %. */
export class ProgressBar {
  private lastTenth = -1;
  private readonly started = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number): void {
    const ratio = this.total === 0 ? 1 : Math.min(done / this.total, 1);
    const percent = Math.floor(ratio * 100);
    const counts = `${done.toLocaleString('en')}/${this.total.toLocaleString('en')}`;
    if (this.stream.isTTY) {
      const width = 30;
      const filled = Math.round(ratio * width);
      this.stream.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${counts}`);
    } else if (Math.floor(percent / 10) > this.lastTenth) {
      this.lastTenth = Math.floor(percent / 10);
      this.stream.write(`${this.label} ${percent}% ${counts}\n`);
    }
  }

  finish(summary: string): void {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    this.stream.write(`${this.stream.isTTY ? '\n' : ''}${summary} in ${seconds} s\n`);
  }
}
