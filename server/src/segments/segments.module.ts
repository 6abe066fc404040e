import { Module } from '@nestjs/common';
import { SegmentsController } from './segments.controller';
import { SegmentsService } from './segments.service';

/** Audiences: segment filters compiled to SQL, their live count, saved segments and the keyset stream the campaign engine reads. */
@Module({
  controllers: [SegmentsController],
  providers: [SegmentsService],
  exports: [SegmentsService],
})
export class SegmentsModule {}
