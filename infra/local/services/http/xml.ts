/**
 * A minimal XML writer for query-protocol responses. Responses are built as plain values
 * ({@link XmlNode}) shaped like the XML: an array repeats its element (flattened lists), so a
 * wrapped list is written as `{ member: [...] }`.
 */

/** A value to render as XML: text, a repeated element, or child elements. `undefined` is omitted. */
export type XmlNode =
  | string
  | number
  | boolean
  | undefined
  | readonly XmlNode[]
  | { readonly [name: string]: XmlNode };

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

/**
 * Escapes text for element content. Carriage returns are escaped too: XML parsers normalise a
 * literal CR to LF, which would change a message body and break its MD5.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => ESCAPES[c] ?? c);
}

/** Renders `node` as the content of element `name` (repeated when `node` is an array). */
export function renderXml(name: string, node: XmlNode): string {
  if (node === undefined) return '';
  if (Array.isArray(node)) return node.map((item: XmlNode) => renderXml(name, item)).join('');
  if (typeof node === 'object') {
    let inner = '';
    for (const [child, value] of Object.entries(node)) inner += renderXml(child, value);
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(node))}</${name}>`;
}
