/** A stretch of consecutive dark modules: where it starts and how many modules it spans. */
export interface Run {
  start: number
  length: number
}

/**
 * The dark runs of one row of modules. Drawing runs instead of single modules keeps the number of
 * views small (a mini-program pays for every node it renders) and leaves no seams inside a run.
 */
export function darkRuns(count: number, isDark: (index: number) => boolean): Run[] {
  const runs: Run[] = []
  let start = -1
  for (let i = 0; i <= count; i++) {
    const dark = i < count && isDark(i)
    if (dark && start < 0) start = i
    if (!dark && start >= 0) {
      runs.push({ start, length: i - start })
      start = -1
    }
  }
  return runs
}
