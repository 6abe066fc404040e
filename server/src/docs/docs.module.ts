import { Module } from '@nestjs/common';
import { DocsController } from './docs.controller';

/** The OpenAPI document, generated from the shared route table. */
@Module({ controllers: [DocsController] })
export class DocsModule {}
