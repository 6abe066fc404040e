import { DomainError } from '../common/domain-error';
import { PushFormatError, readPushXml, type XmlFields } from './push-xml';

/** A push's fields as strings (WeChat's XML and JSON formats alike); nested elements are dropped. */
export type PushFields = Record<string, string>;

/** The structural part of Fastify the server needs here (Nest's adapter carries its own copy of Fastify's types). */
interface ContentTypeParsers {
  addContentTypeParser(
    type: string[],
    options: { parseAs: 'buffer' },
    parser: (request: { rawBody?: Buffer }, body: Buffer, done: (error: Error | null, body?: unknown) => void) => void,
  ): void;
}

/**
 * WeChat pushes `text/xml` (§G.2), which Fastify does not read by default. The bytes are kept as
 * `rawBody`, as Nest does for JSON, and the body is the text: only the official account's push route
 * reads it, every other route's schema refuses a string. (Nest's own `useBodyParser` would stop Nest
 * from registering its JSON parser, so the parser goes on Fastify directly.)
 */
export function registerXmlBodies(fastify: ContentTypeParsers): void {
  fastify.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body;
    done(null, body.toString('utf8'));
  });
}

/**
 * Reads a push body: XML (the default format) or JSON (the MP console's other choice). A JSON
 * `MsgID` is quoted before parsing so that its digits past 2^53 survive. PushFormatError when it is neither.
 */
export function readPushBody(text: string): PushFields {
  const trimmed = text.trim();
  if (trimmed.startsWith('<')) return flatten(readPushXml(trimmed));
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed.replace(/("MsgI[dD]"\s*:\s*)(\d+)/g, '$1"$2"'));
    } catch {
      throw new PushFormatError('malformed JSON');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new PushFormatError('JSON push is not an object');
    const fields: PushFields = {};
    for (const [name, value] of Object.entries(parsed)) {
      if (typeof value === 'string') fields[name] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') fields[name] = String(value);
    }
    return fields;
  }
  throw new PushFormatError('neither XML nor JSON');
}

function flatten(xml: XmlFields): PushFields {
  const fields: PushFields = {};
  for (const [name, value] of Object.entries(xml)) if (typeof value === 'string') fields[name] = value;
  return fields;
}

/** A push signed by WeChat that the server cannot read: 400, naming what is wrong. */
export function invalid(reason: string): DomainError {
  return new DomainError('OFFICIAL_PUSH_INVALID', `公众号推送内容无效：${reason}`);
}
