import type { PropsWithChildren } from 'react'
import './app.scss'

// Taro's H5 tab bar items are <a href="javascript:;">: following that link is inline script, which
// the server's Content-Security-Policy rightly refuses (and reports). The tab's own click handler
// does the switching; the link's default action is not wanted.
if (process.env.TARO_ENV === 'h5' && typeof document !== 'undefined') {
  document.addEventListener(
    'click',
    (event) => {
      const link = (event.target as Element | null)?.closest?.('a[href^="javascript:"]')
      if (link) event.preventDefault()
    },
    true,
  )
}

function App({ children }: PropsWithChildren) {
  return children
}

export default App
