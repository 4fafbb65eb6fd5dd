// A tiny XML writer for EC2/STS Query responses.
// Why not a library: the emulator must control escaping exactly. XML 1.0 cannot carry most
// control characters raw, so (like the real services) we send them as character references
// (`&#x1B;`), which the SDK's parser decodes back into the original characters.

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

// Characters that must not appear raw: markup characters, C0 controls except TAB and LF
// (CR is included because XML parsers normalise CR/CRLF to LF), DEL and C1 controls
// (legal in XML 1.0 but "discouraged", and dangerous in terminals), and the non-characters
// U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[&<>"'\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;

const NAMED: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for element content or attribute values. */
export function escapeXml(text: string): string {
  return text.replace(NEEDS_ESCAPE, (ch) => NAMED[ch] ?? `&#x${ch.charCodeAt(0).toString(16).toUpperCase()};`);
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
