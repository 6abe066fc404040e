import type { MemberMessageSettings } from '@wemember/shared'
import { platform } from '../platform'
import { reportSubscribeResults } from './api'

export interface SubscribeOutcome {
  /** The settings after the answers were counted (new sends left). */
  settings: MemberMessageSettings
  /** How many of the templates the shopper accepted. */
  accepted: number
}

/**
 * Opens WeChat's subscribe dialog for these templates (call it straight from a tap: WeChat opens
 * it only then) and tells the server what the shopper answered, which counts one send per accept.
 * WeChat keeps no balance we could read later (docs/wechat.md §E), so the answers must reach the
 * server now.
 */
export async function askToSubscribe(templateIds: string[]): Promise<SubscribeOutcome> {
  const results = await platform.requestSubscribeMessage(templateIds)
  const settings = await reportSubscribeResults({ results })
  return { settings, accepted: Object.values(results).filter((answer) => answer === 'accept').length }
}
