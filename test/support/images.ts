import { PNG } from 'pngjs';

/** A 1×1 PNG, as a shopper's phone would send it (base64, no data: prefix). */
export const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** Bytes that start like a JPEG (FF D8 FF E0 …), `size` long: the server checks the magic bytes and the size. */
export function jpegBytes(size: number): Buffer {
  const bytes = Buffer.alloc(size, 0x5a);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]).copy(bytes);
  bytes[size - 2] = 0xff;
  bytes[size - 1] = 0xd9;
  return bytes;
}

/** A photo as a phone would have it: a real 300×200 PNG a page can decode and cut square. */
export function aPhoto(): Buffer {
  const png = new PNG({ width: 300, height: 200 });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([226, 88 + (((i / 4) % 300) % 100), 62, 255], i);
  return PNG.sync.write(png);
}
