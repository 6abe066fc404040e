import { RequestError } from '../../services/request'
import { staffSession } from '../../services/session'

export const canExportResults = true

/**
 * The CSV comes with the staff token in its Authorization header, which a plain link cannot send:
 * it is fetched, then handed to the browser as a download under the server's file name.
 */
export async function exportResults(campaignId: string, days: number): Promise<void> {
  const token = staffSession.get()?.token
  let answer: Response
  try {
    answer = await fetch(`${API_BASE}/staff/campaigns/${encodeURIComponent(campaignId)}/results/export?days=${days}`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    })
  } catch {
    throw new RequestError('网络不太顺畅，请检查网络后重试', 0, 'NETWORK')
  }
  if (!answer.ok) {
    const body = (await answer.json().catch(() => null)) as { code?: string; message?: string } | null
    if (answer.status === 401) staffSession.clear()
    throw new RequestError(body?.message ?? `导出失败（${answer.status}），请稍后再试`, answer.status, 'UNEXPECTED_ANSWER')
  }
  const named = /filename="([^"]+)"/.exec(answer.headers.get('Content-Disposition') ?? '')
  const url = URL.createObjectURL(await answer.blob())
  const link = document.createElement('a')
  link.href = url
  link.download = named?.[1] ?? `campaign-${campaignId}.csv`
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
