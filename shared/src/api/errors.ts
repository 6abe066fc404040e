import { z } from 'zod';
import { API_ERROR_CODES } from './error-codes';

/** One problem with one field of a request. `field` is a dotted path such as `items.0.amountFen`. */
export const fieldIssueSchema = z.object({
  field: z.string(),
  message: z.string(),
});

/**
 * Every 4xx/5xx answer of the API has this shape. `code` is stable and one of API_ERRORS;
 * `message` is for people.
 */
export const apiErrorSchema = z.object({
  statusCode: z.number().int(),
  code: z.enum(API_ERROR_CODES),
  message: z.string(),
  issues: z.array(fieldIssueSchema).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

/** Turns zod issues into the field/message pairs of an ApiError. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  const field = (path: PropertyKey[]) => (path.length ? path.map(String).join('.') : '(body)');
  return error.issues.flatMap((issue) =>
    // An unknown field is named itself, not the object that holds it.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: field([...issue.path, key]), message: `不支持的字段 ${key}` }))
      : [{ field: field(issue.path), message: issue.message }],
  );
}
