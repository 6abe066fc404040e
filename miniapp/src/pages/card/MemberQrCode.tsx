import { memo, useMemo } from 'react'
import { View } from '@tarojs/components'
import qrcode from 'qrcode-generator'
import { darkRuns } from './runs'

/** Module size in CSS px: whole pixels keep edges sharp, and ≥4 px keeps a photo of it readable. */
const MODULE_PX = 7
/** The white border a scanner needs around the symbol, in modules (ISO/IEC 18004 asks for 4). */
const QUIET_ZONE = 4

/** The dynamic member code as a QR code drawn with views, so the same code runs in WeChat and H5. */
function MemberQrCode({ code }: { code: string }) {
  const { rows, size } = useMemo(() => {
    const qr = qrcode(0, 'M')
    qr.addData(code, 'Numeric')
    qr.make()
    const count = qr.getModuleCount()
    return {
      rows: Array.from({ length: count }, (_, row) => darkRuns(count, (col) => qr.isDark(row, col))),
      size: (count + QUIET_ZONE * 2) * MODULE_PX,
    }
  }, [code])

  return (
    <View
      className='member-qr'
      data-code={code}
      style={{ width: `${size}px`, height: `${size}px`, padding: `${QUIET_ZONE * MODULE_PX}px` }}
    >
      {rows.map((runs, row) => (
        <View key={row} className='member-qr__row' style={{ height: `${MODULE_PX}px` }}>
          {runs.map((run) => (
            <View
              key={run.start}
              className='member-qr__dark'
              style={{ left: `${run.start * MODULE_PX}px`, width: `${run.length * MODULE_PX}px` }}
            />
          ))}
        </View>
      ))}
    </View>
  )
}

// The card re-renders every second for its countdown; the code itself only changes once a minute.
export default memo(MemberQrCode)
