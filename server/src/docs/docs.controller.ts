import { Controller, Inject } from '@nestjs/common';
import { Route } from '../access/route.decorator';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { openApiDocument } from './openapi';

@Controller()
export class DocsController {
  private readonly document = openApiDocument();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Off in production unless API_DOCS=true: the map of every route is no one else's business. */
  @Route('apiDocs')
  openApi(): Record<string, unknown> {
    if (!this.config.apiDocs) throw new DomainError('ROUTE_NOT_FOUND');
    return this.document;
  }
}
