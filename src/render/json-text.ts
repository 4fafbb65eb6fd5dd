/**
 * Characters that JSON allows raw inside strings but a terminal obeys or a reader is fooled by: DEL,
 * the C1 controls (U+009B is a one-byte CSI), the bidirectional embeddings, overrides and isolates,
 * and the line and paragraph separators. `JSON.stringify` escapes only U+0000-U+001F.
 */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Returns `JSON.stringify(value, null, indent)` with the characters above written as `\uXXXX`: the
 * same data once parsed, but safe to print on a terminal. Those characters can only stand inside
 * strings, so escaping them in the finished text changes nothing else.
 */
export function toJsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Returns `toJsonText(value, 2)` with every line after the first indented by `depth` more spaces. */
export function indentedJson(value: unknown, depth: number): string {
  return toJsonText(value, 2).replace(/\n/g, `\n${' '.repeat(depth)}`);
}
