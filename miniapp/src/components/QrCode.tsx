import { memo, useMemo } from 'react'
import { View } from '@tarojs/components'
import qrcode from 'qrcode-generator'
import { darkRuns } from './runs'
import './QrCode.scss'

/** Module size in CSS px: whole pixels keep edges sharp, and ≥4 px keeps a photo of it readable. */
const MODULE_PX = 7
/** The white border a scanner needs around the symbol, in modules (ISO/IEC 18004 asks for 4). */
const QUIET_ZONE = 4

interface QrCodeProps {
  value: string
  /** The densest QR mode the value fits: digits (member codes) or upper-case letters and digits (coupon codes). */
  mode: 'Numeric' | 'Alphanumeric'
  /** The caller's class, which tests and styles find the code by ('member-qr', 'coupon-qr'). */
  className: string
}

/** A QR code drawn with views, so the same code runs in WeChat and H5; `data-code` holds what it encodes. */
function QrCode({ value, mode, className }: QrCodeProps) {
  const { rows, size } = useMemo(() => {
    const qr = qrcode(0, 'M')
    qr.addData(value, mode)
    qr.make()
    const count = qr.getModuleCount()
    return {
      rows: Array.from({ length: count }, (_, row) => darkRuns(count, (col) => qr.isDark(row, col))),
      size: (count + QUIET_ZONE * 2) * MODULE_PX,
    }
  }, [value, mode])

  return (
    <View
      className={`qr-code ${className}`}
      data-code={value}
      style={{ width: `${size}px`, height: `${size}px`, padding: `${QUIET_ZONE * MODULE_PX}px` }}
    >
      {rows.map((runs, row) => (
        <View key={row} className='qr-code__row' style={{ height: `${MODULE_PX}px` }}>
          {runs.map((run) => (
            <View
              key={run.start}
              className='qr-code__dark'
              style={{ left: `${run.start * MODULE_PX}px`, width: `${run.length * MODULE_PX}px` }}
            />
          ))}
        </View>
      ))}
    </View>
  )
}

// The card re-renders every second for its countdown; the code itself changes far less often.
export default memo(QrCode)
