/**
 * One live status line on stderr (issue 8, build point 1): routes tried, failed so far, seconds —
 * redrawn in place once a second and on every event, erased before the verdict. Only on a TTY and
 * never under `--json` (STYLE habit 9: no live output a script would have to filter).
 */
import type { Output } from './output.js';

export class StatusLine {
  readonly enabled: boolean;
  readonly started = Date.now();
  tried = 0;
  failed = 0;
  #timer: NodeJS.Timeout | null = null;
  #shown = false;

  /** @param render the line's text, given the whole seconds since the start */
  constructor(
    readonly out: Output,
    readonly render: (s: StatusLine, seconds: number) => string,
  ) {
    this.enabled = Boolean((out.io.stderr as { isTTY?: boolean }).isTTY) && !out.json && !out.verbose;
    if (this.enabled) {
      this.#timer = setInterval(() => this.draw(), 1000);
      this.#timer.unref();
    }
  }

  /** Counts a race event (an attempt started, an attempt ended without delivering). */
  count(e: { readonly type: string; readonly attempt?: { readonly outcome: string } }): void {
    if (e.type === 'start') this.tried++;
    else if (e.type === 'end' && e.attempt && e.attempt.outcome !== 'delivered' && e.attempt.outcome !== 'cancelled') this.failed++;
    this.draw();
  }

  draw(): void {
    if (!this.enabled) return;
    this.#shown = true;
    this.out.io.stderr.write(`\r${this.render(this, Math.floor((Date.now() - this.started) / 1000))}\u001b[K`);
  }

  /** Erases the line (before the verdict) and stops the clock. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#shown) this.out.io.stderr.write('\r\u001b[K');
    this.#shown = false;
  }
}
