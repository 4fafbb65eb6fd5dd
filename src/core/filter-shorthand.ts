import { AmiAuditError } from '../errors.js';

export interface ImageFilter {
  name: string;
  values: string[];
}

const EXAMPLE = 'expected Name=<filter>,Values=<value>[,<value>...], for example Name=architecture,Values=x86_64,arm64';

/**
 * Parses one `--filter` in the AWS CLI's shorthand: `Name=tag:Team,Values=web,api`. Values may be
 * quoted (`Values="a,b",c`) to hold commas or equals signs. Also takes the JSON form
 * `{"Name": "...", "Values": [...]}`. Throws a usage error that shows the expected form.
 */
export function parseFilter(spec: string): ImageFilter {
  const trimmed = spec.trim();
  if (trimmed.startsWith('{')) return parseJsonFilter(trimmed, spec);

  const fields = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const token of splitTopLevel(trimmed, spec)) {
    const match = /^(Name|Values)=(.*)$/is.exec(token.raw);
    if (match && !token.quoted) {
      const key = match[1]!.toLowerCase();
      if (fields.has(key)) throw usage(spec, `"${match[1]}" appears twice`);
      current = [];
      fields.set(key, current);
      const first = unquote(match[2]!, spec);
      if (first !== '') current.push(first);
    } else if (current) {
      current.push(unquote(token.raw, spec));
    } else {
      throw usage(spec, `"${token.raw}" is neither Name= nor Values=`);
    }
  }
  const name = fields.get('name');
  const values = fields.get('values');
  if (!name || name.length !== 1 || name[0] === '') throw usage(spec, 'it needs exactly one Name');
  if (!values || values.length === 0) throw usage(spec, 'it needs at least one value in Values');
  return { name: name[0]!, values };
}

function parseJsonFilter(text: string, spec: string): ImageFilter {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw usage(spec, 'it is not valid JSON');
  }
  const { Name, Values } = parsed as { Name?: unknown; Values?: unknown };
  if (typeof Name !== 'string' || Name === '' || !Array.isArray(Values) || Values.length === 0 || !Values.every((v) => typeof v === 'string')) {
    throw usage(spec, 'the JSON form needs {"Name": "<filter>", "Values": ["<value>", ...]}');
  }
  return { name: Name, values: Values as string[] };
}

/** Splits at commas outside quotes, keeping the quotes for `unquote`. */
function splitTopLevel(text: string, spec: string): { raw: string; quoted: boolean }[] {
  const tokens: { raw: string; quoted: boolean }[] = [];
  let raw = '';
  let quote: string | undefined;
  for (const char of text) {
    if (quote) {
      raw += char;
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
      raw += char;
    } else if (char === ',') {
      tokens.push({ raw, quoted: /^["']/.test(raw) });
      raw = '';
    } else {
      raw += char;
    }
  }
  if (quote) throw usage(spec, `a ${quote} quote is not closed`);
  tokens.push({ raw, quoted: /^["']/.test(raw) });
  if (tokens.some((token) => token.raw === '')) throw usage(spec, 'it has an empty item (two commas in a row, or a trailing comma)');
  return tokens;
}

function unquote(value: string, spec: string): string {
  const match = /^(["'])(.*)\1$/s.exec(value);
  if (match) return match[2]!;
  if (/["']/.test(value)) throw usage(spec, `quotes must wrap a whole value: ${value}`);
  return value;
}

function usage(spec: string, reason: string): AmiAuditError {
  return new AmiAuditError('Usage', `Bad --filter "${spec}": ${reason}; ${EXAMPLE}`);
}
