import { Controller } from '@nestjs/common';
import { Route } from '../access/route.decorator';
import { openApiDocument } from './openapi';

@Controller()
export class DocsController {
  private readonly document = openApiDocument();

  @Route('apiDocs')
  openApi(): Record<string, unknown> {
    return this.document;
  }
}
