import { useRef, useState } from 'react'

/** One page of a ledger (points, stored value): its entries and the cursor of the next, older page (null at the end). */
export interface LedgerPage {
  entries: unknown[]
  nextBefore: unknown
}

type Cursor<Page extends LedgerPage> = NonNullable<Page['nextBefore']>

/**
 * The entries of a ledger shown page by page, newest first: `load` (re)starts from the newest page
 * and resolves with it (for the figures above the list), `loadMore` appends the next older one. A
 * page arriving after a newer reload started is dropped, so a late answer never mixes two loads.
 */
export function useLedgerPages<Page extends LedgerPage>(fetch: (before: Cursor<Page> | undefined) => Promise<Page>, onFailure: (failure: unknown) => void) {
  const [entries, setEntries] = useState<Page['entries']>([])
  const [nextBefore, setNextBefore] = useState<Cursor<Page> | null>(null)
  const [loadingMore, setLoadingMore] = useState(false)
  /** Bumped on every reload, so an older page arriving late is dropped. */
  const generation = useRef(0)

  async function load(): Promise<Page | null> {
    const current = ++generation.current
    try {
      const first = await fetch(undefined)
      if (current !== generation.current) return null
      setEntries(first.entries)
      setNextBefore((first.nextBefore ?? null) as Cursor<Page> | null)
      return first
    } catch (failure) {
      if (current === generation.current) onFailure(failure)
      return null
    }
  }

  async function loadMore() {
    if (loadingMore || nextBefore === null) return
    const current = generation.current
    setLoadingMore(true)
    try {
      const older = await fetch(nextBefore)
      if (current !== generation.current) return
      setEntries((shown) => [...shown, ...older.entries])
      setNextBefore((older.nextBefore ?? null) as Cursor<Page> | null)
    } catch (failure) {
      if (current === generation.current) onFailure(failure)
    } finally {
      setLoadingMore(false)
    }
  }

  return { entries, nextBefore, loadingMore, load, loadMore }
}
