import { Controller, Param } from '@nestjs/common';
import type { CreateSegmentRequest, Segment, SegmentPreview, SegmentPreviewRequest, SegmentWithCount, UpdateSegmentRequest } from '@wemember/shared';
import { CurrentStaff } from '../access/actor.decorators';
import type { StaffActor } from '../access/actors';
import { Route, ValidBody } from '../access/route.decorator';
import { SegmentsService } from './segments.service';

/** The segment builder's live count and the brand's saved segments (HQ admins and marketers). */
@Controller()
export class SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  @Route('staffPreviewSegment')
  preview(@CurrentStaff() staff: StaffActor, @ValidBody() body: SegmentPreviewRequest): Promise<SegmentPreview> {
    return this.segments.preview(staff, body.filter);
  }

  @Route('staffCreateSegment')
  create(@CurrentStaff() staff: StaffActor, @ValidBody() body: CreateSegmentRequest): Promise<Segment> {
    return this.segments.create(staff, body);
  }

  @Route('staffListSegments')
  list(@CurrentStaff() staff: StaffActor): Promise<Segment[]> {
    return this.segments.list(staff);
  }

  @Route('staffGetSegment')
  get(@CurrentStaff() staff: StaffActor, @Param('id') id: string): Promise<SegmentWithCount> {
    return this.segments.get(staff, id);
  }

  @Route('staffUpdateSegment')
  update(@CurrentStaff() staff: StaffActor, @Param('id') id: string, @ValidBody() body: UpdateSegmentRequest): Promise<Segment> {
    return this.segments.update(staff, id, body);
  }
}
