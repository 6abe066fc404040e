import { encode as encodeJpeg } from 'jpeg-js';
import { create as createQrCode } from 'qrcode';

/** The QR standard asks for 4 light modules around the symbol. */
const QUIET_ZONE_MODULES = 4;
const JPEG_QUALITY = 90;

/**
 * A square black-on-white JPEG of a QR code holding `content`, `width` px wide when the symbol fits
 * (wider otherwise: a module is never less than one pixel), quiet zone included.
 */
export function renderQrCodeJpeg(content: string, width: number): Buffer {
  const modules = createQrCode(content, { errorCorrectionLevel: 'M' }).modules;
  const span = modules.size + 2 * QUIET_ZONE_MODULES;
  const moduleSize = Math.max(1, Math.floor(width / span));
  const side = Math.max(width, span * moduleSize);
  const offset = Math.floor((side - modules.size * moduleSize) / 2);
  const rgba = Buffer.alloc(side * side * 4, 0xff);
  for (let row = 0; row < modules.size; row += 1) {
    for (let column = 0; column < modules.size; column += 1) {
      if (modules.get(row, column)) paintBlack(rgba, side, offset + column * moduleSize, offset + row * moduleSize, moduleSize);
    }
  }
  return encodeJpeg({ data: rgba, width: side, height: side }, JPEG_QUALITY).data;
}

function paintBlack(rgba: Buffer, side: number, left: number, top: number, size: number): void {
  for (let y = top; y < top + size; y += 1) {
    for (let x = left; x < left + size; x += 1) {
      const pixel = (y * side + x) * 4;
      rgba[pixel] = 0;
      rgba[pixel + 1] = 0;
      rgba[pixel + 2] = 0;
    }
  }
}
