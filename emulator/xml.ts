// A tiny XML writer for EC2/STS Query responses.
// Why not a library: the emulator must control escaping exactly. XML 1.0 allows only
// #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF], raw or as a character
// reference: `&#x1B;` is as invalid as a raw ESC, and strict parsers (the AWS CLI's) reject the whole
// response. EC2 never stores such characters (it refuses them when an image is named or tagged), so
// the estate loader and the write actions refuse them too; the writer replaces any that still get
// here (a request parameter echoed in an error message) with U+FFFD rather than break the document.

export type XmlScalar = string | number | boolean;
export type XmlChild = XmlElement | string;

export interface XmlElement {
  name: string;
  attrs?: Record<string, string>;
  children: XmlChild[];
}

type ChildInput = XmlChild | undefined | null | false | ChildInput[];

function flatten(input: ChildInput[], out: XmlChild[]): XmlChild[] {
  for (const c of input) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) flatten(c, out);
    else out.push(c);
  }
  return out;
}

/** An element with child elements (undefined/null/false children are skipped). */
export function el(name: string, ...children: ChildInput[]): XmlElement {
  return { name, children: flatten(children, []) };
}

/** An element carrying attributes, e.g. the response root with its xmlns. */
export function elAttrs(name: string, attrs: Record<string, string>, ...children: ChildInput[]): XmlElement {
  return { name, attrs, children: flatten(children, []) };
}

/** A text element; undefined/null values give no element at all (EC2 omits unset fields). */
export function leaf(name: string, value: XmlScalar | undefined | null): XmlElement | undefined {
  if (value === undefined || value === null) return undefined;
  return { name, children: [scalarText(value)] };
}

/** A text element that is always present: `<name/>` when the value is unset. */
export function leafOrEmpty(name: string, value: XmlScalar | undefined | null): XmlElement {
  return leaf(name, value) ?? { name, children: [] };
}

/** An EC2 list: `<name><item>..</item>...</name>`, `<name/>` when empty. */
export function list(name: string, items: XmlElement[]): XmlElement {
  return { name, children: items };
}

/** An `<item>` wrapping the given children. */
export function item(...children: ChildInput[]): XmlElement {
  return el('item', ...children);
}

function scalarText(value: XmlScalar): string {
  // EC2 writes booleans in lower case.
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

// Characters XML 1.0 forbids even as references: C0 controls other than TAB, LF and CR, the
// non-characters U+FFFE/U+FFFF, and UTF-16 surrogates that do not form a pair.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Characters that must not appear raw: markup characters, CR (XML parsers normalise CR/CRLF to LF,
// so it travels as a reference), and DEL and the C1 controls (legal in XML 1.0 but "discouraged",
// and dangerous in terminals), which travel as references the SDK decodes back.
const NEEDS_ESCAPE = /[&<>"'\r\u007F-\u009F]/g;

const NAMED: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

const FORBIDDEN_ALL = new RegExp(FORBIDDEN.source, 'g');
// eslint-disable-next-line no-control-regex
const MAY_NEED_WORK = /[&<>"'\u0000-\u0008\u000B-\u001F\u007F-\u009F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** The first character of `text` that XML 1.0 cannot carry (raw or as a reference), or undefined. */
export function forbiddenXmlCharacter(text: string): string | undefined {
  return FORBIDDEN.exec(text)?.[0];
}

/** `U+001B` for a character, the way estate and request errors name it. */
export function codePointName(ch: string): string {
  return `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Escapes text for element content or attribute values; characters XML 1.0 forbids become U+FFFD. */
export function escapeXml(text: string): string {
  if (!MAY_NEED_WORK.test(text)) return text; // most strings: names, ids, dates
  return text
    .replace(FORBIDDEN_ALL, '\uFFFD')
    .replace(NEEDS_ESCAPE, (ch) => NAMED[ch] ?? `&#x${ch.charCodeAt(0).toString(16).toUpperCase()};`);
}

function render(node: XmlChild, indent: string, out: string[]): void {
  if (typeof node === 'string') {
    out.push(escapeXml(node));
    return;
  }
  let open = `<${node.name}`;
  for (const [k, v] of Object.entries(node.attrs ?? {})) open += ` ${k}="${escapeXml(v)}"`;
  if (node.children.length === 0) {
    out.push(`${open}/>`);
    return;
  }
  const onlyText = node.children.every((c) => typeof c === 'string');
  if (onlyText) {
    out.push(`${open}>`);
    for (const c of node.children) render(c, indent, out);
    out.push(`</${node.name}>`);
    return;
  }
  // Pretty-printed like EC2 (4 spaces); whitespace-only text between elements is ignored by parsers.
  const inner = indent + '    ';
  out.push(`${open}>`);
  for (const c of node.children) {
    out.push(`\n${inner}`);
    render(c, inner, out);
  }
  out.push(`\n${indent}</${node.name}>`);
}

/** Serialises an element (no XML declaration). */
export function renderElement(root: XmlElement): string {
  const out: string[] = [];
  render(root, '', out);
  return out.join('');
}

/** Serialises a whole response document with the XML declaration EC2 sends. */
export function renderDocument(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderElement(root)}`;
}
