import type { ApiErrorCode } from '@wemember/shared'
import { PlatformError } from '../platform'
import { RequestError } from './request'

/**
 * The sentence to show for a failed action, always Chinese: a RequestError's is (the API's own
 * sentence, or one chosen by status for an answer not in the API's shape), a PlatformError's is, and
 * anything else is a bug.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof RequestError || error instanceof PlatformError) return error.message
  console.error(error)
  return '出了点问题，请稍后再试'
}

/** A failed form submit: messages to show beside the form's fields, and one for the rest. */
export interface FormError {
  fields: Record<string, string>
  message: string
}

/**
 * Places a failed submit's messages beside the fields they are about. The API's `issues` name
 * fields; an error without issues is placed by its code (`fieldByCode`). Whatever names no field
 * of this form (`formFields`) becomes the general message.
 */
export function formError(
  error: unknown,
  formFields: readonly string[],
  fieldByCode: Partial<Record<ApiErrorCode, string>> = {},
): FormError {
  if (error instanceof RequestError && error.issues.length) {
    const fields: Record<string, string> = {}
    const rest: string[] = []
    for (const { field, message } of error.issues) {
      if (formFields.includes(field)) fields[field] ??= message
      else if (!rest.includes(message)) rest.push(message)
    }
    return { fields, message: rest.join('；') }
  }
  // The app's own codes (NETWORK…) are in no such table: they look up nothing.
  const field = error instanceof RequestError ? fieldByCode[error.code as ApiErrorCode] : undefined
  if (field && formFields.includes(field)) return { fields: { [field]: errorMessage(error) }, message: '' }
  return { fields: {}, message: errorMessage(error) }
}
