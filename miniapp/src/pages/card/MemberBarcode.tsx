import { memo, useMemo } from 'react'
import { View } from '@tarojs/components'
import { CODE128 } from 'jsbarcode/bin/barcodes/CODE128'
import { darkRuns } from '../../components/runs'

/** Narrowest bar in CSS px. */
const BAR_PX = 2
/** Blank space each side of the bars, in narrow-bar widths (CODE128 asks for at least 10). */
const QUIET_ZONE = 10

/** The dynamic member code as a CODE128 barcode (an all-digit code encodes compactly in set C). */
function MemberBarcode({ code }: { code: string }) {
  const { bars, width } = useMemo(() => {
    const modules = new CODE128(code, {}).encode().data
    return {
      bars: darkRuns(modules.length, (i) => modules[i] === '1'),
      width: (modules.length + QUIET_ZONE * 2) * BAR_PX,
    }
  }, [code])

  return (
    <View className='member-barcode' data-code={code} style={{ width: `${width}px` }}>
      {bars.map((bar) => (
        <View
          key={bar.start}
          className='member-barcode__bar'
          style={{ left: `${(QUIET_ZONE + bar.start) * BAR_PX}px`, width: `${bar.length * BAR_PX}px` }}
        />
      ))}
    </View>
  )
}

// The card re-renders every second for its countdown; the code itself only changes once a minute.
export default memo(MemberBarcode)
