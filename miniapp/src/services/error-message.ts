import { PlatformError } from '../platform'
import { RequestError } from './request'

/** The sentence to show for a failed action: ours are written for the user, anything else is a bug. */
export function errorMessage(error: unknown): string {
  if (error instanceof RequestError || error instanceof PlatformError) return error.message
  console.error(error)
  return '出了点问题，请稍后再试'
}
