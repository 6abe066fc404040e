/** The cells of a month's calendar, Monday first: null pads the days before the 1st. */
export function monthGrid(month: string): (string | null)[] {
  const [year, m] = month.split('-').map(Number) as [number, number]
  const days = new Date(Date.UTC(year, m, 0)).getUTCDate()
  // getUTCDay: 0 = Sunday; a Monday-first week puts Sunday last.
  const lead = (new Date(Date.UTC(year, m - 1, 1)).getUTCDay() + 6) % 7
  const cells: (string | null)[] = Array.from({ length: lead }, () => null)
  for (let d = 1; d <= days; d++) cells.push(`${month}-${String(d).padStart(2, '0')}`)
  return cells
}

/** The month before or after `month` (YYYY-MM). */
export function shiftMonth(month: string, by: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number]
  const at = new Date(Date.UTC(year, m - 1 + by, 1))
  return `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, '0')}`
}

/**
 * Whether the calendar offers to make up `date` (补签): the brand allows it, the day lies in the
 * window before today, and this month still has make-ups left. The server decides all the same.
 */
export function canMakeUp(offer: { earliest: string; remainingThisMonth: number } | null | undefined, today: string, date: string): boolean {
  return !!offer && offer.remainingThisMonth > 0 && date >= offer.earliest && date < today
}
