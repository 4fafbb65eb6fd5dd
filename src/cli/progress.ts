import type { ApiCallEvent } from '../aws/client-config.js';
import type { ScanObserver } from '../core/scan.js';

/** How far a scan has got: what the progress line shows. */
export class ScanProgress implements ScanObserver {
  regionsStarted = 0;
  regionsDone = 0;
  images = 0;
  retries = 0;
  errors = 0;
  readonly started = performance.now();

  onImage(): void {
    this.images += 1;
  }

  onError(): void {
    this.errors += 1;
  }

  onRegionStart(): void {
    this.regionsStarted += 1;
  }

  onRegionDone(): void {
    this.regionsDone += 1;
  }

  /** Counts the retries the SDK made (throttling, 5xx, timeouts): attempts beyond the first. */
  onCall(event: ApiCallEvent): void {
    this.retries += Math.max(0, event.attempts - 1);
  }

  /** Returns the progress line: regions done, images classified, retries, elapsed time. */
  line(): string {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    const running = this.regionsStarted - this.regionsDone;
    return [
      `regions ${this.regionsDone} done${running > 0 ? `, ${running} running` : ''}`,
      `${this.images.toLocaleString('en-US')} images classified`,
      `${this.retries} retried calls`,
      ...(this.errors > 0 ? [`${this.errors} errors`] : []),
      `${seconds}s`,
    ].join(' · ');
  }
}

/**
 * Redraws the progress line on a terminal's stderr a few times a second. Only for a terminal: in a
 * CI log a line redrawn with carriage returns is noise.
 */
export function startProgressLine(progress: ScanProgress, stderr: NodeJS.WritableStream): { stop(): void } {
  const draw = (): void => {
    stderr.write(`\r\x1b[K${progress.line()}`);
  };
  const timer = setInterval(draw, 200);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      stderr.write('\r\x1b[K');
    },
  };
}
