import { Controller, Get } from '@nestjs/common';
import { openApiDocument } from './openapi';

@Controller('docs')
export class DocsController {
  private readonly document = openApiDocument();

  @Get()
  openApi() {
    return this.document;
  }
}
