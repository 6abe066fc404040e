// The mini-program does not offer the CSV export: it opens on a laptop's browser (index.h5.ts).
export const canExportResults = false

export async function exportResults(): Promise<void> {
  throw new Error('导出请在电脑浏览器中打开管理后台')
}
