import { PipeTransform } from '@nestjs/common';
import { toFieldIssues } from '@wemember/shared';
import type { z } from 'zod';
import { DomainError } from './domain-error';

/** Validates a request part with a shared zod schema; failures name every field and reason. */
export class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(private readonly schema: T) {}

  transform(value: unknown): z.infer<T> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    const issues = toFieldIssues(result.error);
    // `message` is for people (the app shows it); `issues` names the fields.
    throw new DomainError('VALIDATION_FAILED', [...new Set(issues.map((i) => i.message))].join('；'), issues);
  }
}
