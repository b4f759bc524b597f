/** How often a terminal's bar is redrawn at most: updates come per chunk, far faster than anyone reads. */
const REDRAW_MS = 100;

/**
 * A one-line progress bar on stderr with the rate and the time left; without a terminal (a log
 * file, CI), a line every 10 %, so logs stay readable.
 */
export class ProgressBar {
  private lastTenth = -1;
  private lastDrawn = 0;
  private readonly started = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number): void {
    const ratio = this.total === 0 ? 1 : Math.min(done / this.total, 1);
    const percent = Math.floor(ratio * 100);
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const counts = `${done.toLocaleString('en')}/${this.total.toLocaleString('en')}`;
    const speed = `${Math.round(rate).toLocaleString('en')}/s`;
    if (this.stream.isTTY) {
      if (Date.now() - this.lastDrawn < REDRAW_MS && done < this.total) return;
      this.lastDrawn = Date.now();
      const width = 30;
      const filled = Math.round(ratio * width);
      const left = rate > 0 && done < this.total ? `, ${duration((this.total - done) / rate)} left` : '';
      // \x1b[K clears what a longer earlier line left behind.
      this.stream.write(
        `\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${counts} (${speed}${left})\x1b[K`,
      );
    } else if (Math.floor(percent / 10) > this.lastTenth) {
      this.lastTenth = Math.floor(percent / 10);
      this.stream.write(`${this.label} ${percent}% ${counts} (${speed})\n`);
    }
  }

  finish(summary: string): void {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    this.stream.write(`${this.stream.isTTY ? '\n' : ''}${summary} in ${seconds} s\n`);
  }
}

/** 42 s, 3 min 5 s, 2 h 10 min. */
function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
