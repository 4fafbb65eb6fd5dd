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
