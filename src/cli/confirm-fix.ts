import { createInterface } from 'node:readline';
import { BLOCKED_WARNING, imdsText } from '../core/fix-plan.js';
import type { PlannedFlag } from '../core/fix.js';
import { terminalSafe } from '../render/sanitize.js';
import type { CliIo } from './terminal.js';

/** What the change does and that it cannot be undone, in words: said before any write. */
export const IRREVERSIBLE_WARNING =
  'This cannot be undone: once ImdsSupport is v2.0, EC2 offers no way to unset it (the only way back is a new AMI registered from the image\'s snapshots). Instances launched from these images will require IMDSv2 (HttpTokens=required, hop limit 2) unless the launch says otherwise.';

/** Returns the lines that list the images to be flagged, with the warnings, for the prompt or the `--yes` notice. */
export function plannedLines(planned: readonly PlannedFlag[]): string[] {
  const lines = [`ami-audit fix --apply will set ImdsSupport=v2.0 on ${planned.length} image${planned.length === 1 ? '' : 's'}:`];
  for (const { target, image, accountId } of planned) {
    const name = image.name ? ` ${terminalSafe(image.name)}` : '';
    lines.push(`  ${target.imageId}${name} (account ${terminalSafe(accountId)}, ${terminalSafe(target.region ?? '-')}), ImdsSupport ${terminalSafe(imdsText(image.imdsSupport))}${target.verdict === 'blocked' ? ', BLOCKED in the report' : ''}`);
  }
  lines.push(`WARNING: ${IRREVERSIBLE_WARNING}`);
  for (const { target } of planned) if (target.verdict === 'blocked') lines.push(`WARNING: ${target.imageId} is flagged only because of --force-blocked: ${BLOCKED_WARNING}.`);
  return lines;
}

/**
 * Lists the images on stderr with the warnings and asks the user to type their number; returns true
 * only for exactly that number. End of input, or anything else, is a refusal. The caller has checked
 * that stdin is a terminal.
 */
export async function askToConfirm(planned: readonly PlannedFlag[], io: CliIo): Promise<boolean> {
  for (const line of plannedLines(planned)) io.stderr.write(`${line}\n`);
  io.stderr.write(`Type ${planned.length} to flag ${planned.length === 1 ? 'this image' : `these ${planned.length} images`}, anything else to abort: `);
  const answer = await readLine(io.stdin!);
  if (answer === undefined) io.stderr.write('\n');
  return answer?.trim() === String(planned.length);
}

/** Resolves with the first line of the stream, or undefined when it ends first. */
function readLine(input: NodeJS.ReadableStream): Promise<string | undefined> {
  return new Promise((resolve) => {
    const reader = createInterface({ input, terminal: false });
    let answered = false;
    reader.once('line', (line) => {
      answered = true;
      reader.close();
      resolve(line);
    });
    reader.once('close', () => {
      if (!answered) resolve(undefined);
    });
  });
}
