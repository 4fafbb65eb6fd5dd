import { closeSync, openSync, writeSync } from 'node:fs';
import type { ClassifiedImage, ScanError } from '../core/types.js';
import { AmiAuditError } from '../errors.js';
import { OUTPUT_FORMATS, type OutputFormat, type RenderContext, type ReportRenderer, type ScanReport } from '../render/index.js';

/** Where one report goes: a renderer and the place its text is written. */
export interface ReportSink {
  readonly renderer: ReportRenderer;
  write(text: string): void;
  close(): void;
  /** Set once a write failed: the report is lost, and the scan must not pass. */
  readonly failure?: string;
}

/** A report written to standard output. */
export function stdoutSink(format: OutputFormat, context: RenderContext, stdout: NodeJS.WritableStream): ReportSink {
  return {
    renderer: OUTPUT_FORMATS[format].create(context),
    write: (text) => {
      if (text !== '') stdout.write(text);
    },
    close: () => undefined,
  };
}

/**
 * A report written to a file as the scan goes (`--report <format>=<path>`, or `--step-summary`, which
 * appends). The file is opened before the scan starts, so a path that cannot be written is a usage
 * error before any API call; a write that fails later loses the report and ends the scan with exit 3.
 */
export function fileSink(format: OutputFormat, path: string, context: RenderContext, option: string, append = false): ReportSink {
  let fd: number;
  try {
    fd = openSync(path, append ? 'a' : 'w');
  } catch (error) {
    throw new AmiAuditError('Usage', `${option}: cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): choose a path in a folder that exists and is writable`, { cause: error });
  }
  let failure: string | undefined;
  return {
    renderer: OUTPUT_FORMATS[format].create(context),
    write: (text) => {
      if (text === '' || failure !== undefined) return;
      try {
        writeSync(fd, text);
      } catch (error) {
        // The scan goes on for the other reports; the CLI names this one and exits 3 at the end.
        failure = `could not write ${option} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): that report is lost`;
      }
    },
    close: () => closeSync(fd),
    get failure() {
      return failure;
    },
  };
}

/**
 * Feeds every sink the same scan: one scan, as many reports as were asked for. Nothing is written
 * before the first image, error or end, so that a scan stopped by a configuration error (no
 * credentials, a malformed --input) leaves no half document on stdout.
 */
export class ReportFanOut {
  private started = false;

  constructor(private readonly sinks: readonly ReportSink[]) {}

  image(image: ClassifiedImage): void {
    this.start();
    for (const sink of this.sinks) sink.write(sink.renderer.image(image));
  }

  error(error: ScanError): void {
    this.start();
    for (const sink of this.sinks) sink.write(sink.renderer.error(error));
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    for (const sink of this.sinks) sink.write(sink.renderer.begin());
  }

  /**
   * Writes every report's end and closes the files. Returns what the renderers ask to say on stderr,
   * and the reports that could not be written.
   */
  end(report: ScanReport): { notices: string[]; failures: string[] } {
    this.start();
    const notices: string[] = [];
    for (const sink of this.sinks) {
      sink.write(sink.renderer.end(report));
      sink.close();
      notices.push(...(sink.renderer.notices?.() ?? []));
    }
    return { notices, failures: this.sinks.flatMap((sink) => (sink.failure === undefined ? [] : [sink.failure])) };
  }

  /** Closes the files of a scan that ended early. */
  abandon(): void {
    for (const sink of this.sinks) {
      try {
        sink.close();
      } catch {
        // Already closed, or the disk is gone: nothing more to lose.
      }
    }
  }
}
