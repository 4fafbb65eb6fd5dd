import { redactSecrets } from '../redact-secrets.js';

/**
 * Terminal escape sequences: CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL|ST`, used for hyperlinks and
 * window titles), DCS/SOS/PM/APC strings, and two-character escapes; plus the 8-bit C1 CSI.
 */
const ESCAPE_SEQUENCES =
  // eslint-disable-next-line no-control-regex
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]PX^_][\s\S]*?(?:\x07|\x1b\\|$)|\x1b[ -/]*[0-~]|\x9b[0-?]*[ -/]*[@-~]/g;
/** What is left: C0 and C1 controls, DEL, and the bidirectional overrides that can reorder what a reader sees. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Returns a string from AWS (a name, a description, a tag) made safe to print on a terminal: escape
 * sequences removed whole, other control characters removed. Anyone who can name an image can put
 * these in it, and a terminal would obey them (clear the screen, recolour a verdict, plant a link).
 */
export function stripControlSequences(text: string): string {
  return text.replace(ESCAPE_SEQUENCES, '').replace(CONTROL_CHARACTERS, '');
}

/**
 * Returns text that did not come from ami-audit itself (an AWS error message, a region name from
 * `DescribeRegions`, an input file's parse error, a stack) made safe to print on stderr: escape
 * sequences and control characters removed as by `stripControlSequences`, and credentials redacted
 * (`redactSecrets`). Line breaks become spaces, so a message stays one line and cannot forge another,
 * unless `keepLineBreaks` is set (a `--debug` stack).
 */
export function terminalSafe(text: string, options: { keepLineBreaks?: boolean } = {}): string {
  // Redacted before stripping too: stripping an escape sequence glued to a key could eat its prefix.
  const lines = redactSecrets(text).split(/\r?\n|\r/);
  const stripped = lines.map((line) => stripControlSequences(line.replace(/\t/g, ' ')));
  return redactSecrets(stripped.join(options.keepLineBreaks ? '\n' : ' '));
}
