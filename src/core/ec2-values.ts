/**
 * The values EC2 documents for the image properties ami-audit reads (the `@aws-sdk/client-ec2` enums).
 * EC2 adds values over time; a value not listed here is kept as it is and reported, never mapped to a
 * known one.
 */
export const KNOWN_VALUES = {
  Architecture: ['i386', 'x86_64', 'arm64', 'x86_64_mac', 'arm64_mac'],
  BootMode: ['legacy-bios', 'uefi', 'uefi-preferred'],
  ImdsSupport: ['v2.0'],
  TpmSupport: ['v2.0'],
  State: ['available', 'pending', 'failed', 'disabled', 'deregistered', 'invalid', 'transient', 'error'],
} as const;
export type EnumField = keyof typeof KNOWN_VALUES;

/** Returns true when `value` is one EC2 documents for `field`. */
export function isKnownValue(field: EnumField, value: string): boolean {
  return (KNOWN_VALUES[field] as readonly string[]).includes(value);
}

// JSON.stringify escapes C0 controls only; DEL, C1 (U+009B is a one-byte CSI) and bidi controls too.
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_JSON = /[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Returns a value from an image for a one-line message: cut to `max` characters and JSON-quoted, with
 * every control character escaped as `\uXXXX`, so that a hostile value is shown, not obeyed.
 */
export function quoteValue(value: string, max = 64): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(cut).replace(UNSAFE_IN_JSON, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Returns a value for a message as it is when it is a plain word (`v2.0`, `uefi`), else quoted as `quoteValue` does. */
export function showValue(value: string): string {
  return /^[\w.:+-]{1,64}$/.test(value) ? value : quoteValue(value);
}
