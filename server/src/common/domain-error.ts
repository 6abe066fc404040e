import { API_ERRORS, type ApiErrorCode, type FieldIssue } from '@wemember/shared';

/**
 * Every failure a caller can act on, with the message a person reads: the table lives in
 * @wemember/shared (API_ERRORS) so that the miniapp is typed by the same codes. The compiler rejects
 * a code without a message or a status; services throw codes, never HTTP statuses.
 */
export const DOMAIN_ERRORS = API_ERRORS;

export type DomainErrorCode = ApiErrorCode;

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message?: string,
    readonly issues?: FieldIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? DOMAIN_ERRORS[code].message);
  }

  get status(): number {
    return DOMAIN_ERRORS[this.code].status;
  }
}
