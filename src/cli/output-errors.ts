import { EXIT } from '../core/policy.js';

/**
 * Ends the process as documented when standard output fails: a reader that went away (`| head`,
 * EPIPE) is not a finding, so the scan stops quietly with 141, the status a shell gives a process
 * ended by SIGPIPE; a write that failed otherwise (a full disk, ENOSPC) stops it with one line and
 * exit 3, since the report is lost. Without a listener Node prints an "Unhandled 'error' event" stack
 * and exits 1, which a CI job would read as "findings".
 *
 * It exits at once rather than setting `process.exitCode`: nothing more can be written, and a scan
 * left running would only spend API calls.
 */
export function exitOnOutputError(stdout: NodeJS.EventEmitter, stderr: NodeJS.WritableStream & NodeJS.EventEmitter): void {
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.outputClosed);
    stderr.write(`ami-audit: error: could not write to standard output (${error.code ?? error.message}): the report is lost\n`);
    process.exit(EXIT.incomplete);
  });
  // A closed stderr leaves nowhere to say anything; the exit status still tells.
  stderr.on('error', () => undefined);
}
