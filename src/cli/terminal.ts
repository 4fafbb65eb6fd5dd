/** Where the CLI writes: injected so tests can capture it. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Where a confirmation is read from (`fix --apply`); absent or not a terminal: no prompt can be asked. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/**
 * Returns whether to colour the table: not with `--no-color`, not when `NO_COLOR` is set to anything
 * (no-color.org), yes when `FORCE_COLOR` asks for it, otherwise only on a terminal.
 */
export function shouldColor(colorAllowed: boolean, io: CliIo): boolean {
  if (!colorAllowed) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0' && io.env.FORCE_COLOR !== 'false') return true;
  return io.stdout.isTTY === true;
}
