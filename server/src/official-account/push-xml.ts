/**
 * A reader for the XML WeChat pushes to an official account (§G.2): `<xml>` holding elements whose
 * text is CDATA (strings) or bare (numbers). Every value is read as a string — `MsgID` exceeds 2^53
 * and must keep every digit. Nested elements (a video message's `<Video>`) are read into objects;
 * the server uses none of them. No DTDs, entities beyond XML's five and character references, or
 * attributes: WeChat sends none, and refusing them keeps the reader small and safe.
 */
export type XmlFields = { [name: string]: string | XmlFields };

export class PushFormatError extends Error {}

const NAME = /^[A-Za-z_][\w.-]*/;
/** WeChat's messages are two levels deep; anything deeper is not a push. */
const MAX_DEPTH = 8;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function readPushXml(text: string): XmlFields {
  const reader = new Reader(text);
  reader.skipProlog();
  const root = reader.element();
  reader.skipSpace();
  if (!reader.done) throw new PushFormatError('content after the root element');
  if (root.name !== 'xml' || typeof root.value === 'string') throw new PushFormatError('the root element must be <xml> with elements');
  return root.value;
}

class Reader {
  private pos = 0;

  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos += 1;
  }

  /** An optional `<?xml …?>` declaration and comments before the root. */
  skipProlog(): void {
    for (;;) {
      this.skipSpace();
      if (this.text.startsWith('<?', this.pos)) this.pos = this.after('?>');
      else if (this.text.startsWith('<!--', this.pos)) this.pos = this.after('-->');
      else return;
    }
  }

  element(depth = 0): { name: string; value: string | XmlFields } {
    if (depth > MAX_DEPTH) throw new PushFormatError('elements nested too deep');
    if (this.text[this.pos] !== '<') throw new PushFormatError(`expected an element at ${this.pos}`);
    this.pos += 1;
    const name = NAME.exec(this.text.slice(this.pos, this.pos + 64))?.[0];
    if (!name) throw new PushFormatError(`expected an element name at ${this.pos}`);
    this.pos += name.length;
    this.skipSpace();
    if (this.text.startsWith('/>', this.pos)) {
      this.pos += 2;
      return { name, value: '' };
    }
    if (this.text[this.pos] !== '>') throw new PushFormatError(`attributes are not read (<${name}>)`);
    this.pos += 1;
    let text = '';
    let children: XmlFields | null = null;
    for (;;) {
      if (this.done) throw new PushFormatError(`<${name}> is not closed`);
      if (this.text.startsWith('</', this.pos)) {
        this.pos += 2;
        if (!this.text.startsWith(name, this.pos)) throw new PushFormatError(`</${name}> expected`);
        this.pos += name.length;
        this.skipSpace();
        if (this.text[this.pos] !== '>') throw new PushFormatError(`</${name}> expected`);
        this.pos += 1;
        return { name, value: children ?? text };
      }
      if (this.text.startsWith('<![CDATA[', this.pos)) {
        const end = this.text.indexOf(']]>', this.pos + 9);
        if (end < 0) throw new PushFormatError('CDATA is not closed');
        text += this.text.slice(this.pos + 9, end);
        this.pos = end + 3;
      } else if (this.text.startsWith('<!--', this.pos)) {
        this.pos = this.after('-->');
      } else if (this.text[this.pos] === '<') {
        const child = this.element(depth + 1);
        children ??= {};
        children[child.name] = child.value;
      } else {
        const next = this.text.indexOf('<', this.pos);
        const end = next < 0 ? this.text.length : next;
        text += decodeEntities(this.text.slice(this.pos, end).trim());
        this.pos = end;
      }
    }
  }

  private after(marker: string): number {
    const end = this.text.indexOf(marker, this.pos);
    if (end < 0) throw new PushFormatError(`${marker} expected`);
    return end + marker.length;
  }
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);?/g, (whole, entity: string) => {
    if (entity.startsWith('#')) {
      const code = entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      if (!Number.isInteger(code) || code > 0x10ffff) throw new PushFormatError(`bad character reference ${whole}`);
      return String.fromCodePoint(code);
    }
    const value = ENTITIES[entity];
    if (value === undefined) throw new PushFormatError(`unknown entity ${whole}`);
    return value;
  });
}
