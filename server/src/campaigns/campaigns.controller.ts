import { Controller, Param, Res, StreamableFile } from '@nestjs/common';
import type { Campaign, CampaignProgress, CampaignResults, CampaignResultsQuery, CreateCampaignRequest, UpdateCampaignRequest } from '@wemember/shared';
import type { FastifyReply } from 'fastify';
import { CurrentStaff } from '../access/actor.decorators';
import type { StaffActor } from '../access/actors';
import { Route, ValidBody, ValidQuery } from '../access/route.decorator';
import { CampaignsService } from './campaigns.service';

/** The brand's campaigns: drafts, launch/pause/resume/cancel, progress and results and their export (HQ admins and marketers). */
@Controller()
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Route('staffCreateCampaign')
  create(@CurrentStaff() staff: StaffActor, @ValidBody() body: CreateCampaignRequest): Promise<Campaign> {
    return this.campaigns.create(staff, body);
  }

  @Route('staffListCampaigns')
  list(@CurrentStaff() staff: StaffActor): Promise<Campaign[]> {
    return this.campaigns.list(staff);
  }

  @Route('staffGetCampaign')
  get(@CurrentStaff() staff: StaffActor, @Param('id') id: string): Promise<Campaign> {
    return this.campaigns.get(staff, id);
  }

  @Route('staffUpdateCampaign')
  update(@CurrentStaff() staff: StaffActor, @Param('id') id: string, @ValidBody() body: UpdateCampaignRequest): Promise<Campaign> {
    return this.campaigns.update(staff, id, body);
  }

  @Route('staffLaunchCampaign')
  launch(@CurrentStaff() staff: StaffActor, @Param('id') id: string): Promise<Campaign> {
    return this.campaigns.launch(staff, id);
  }

  @Route('staffPauseCampaign')
  pause(@CurrentStaff() staff: StaffActor, @Param('id') id: string): Promise<Campaign> {
    return this.campaigns.pause(staff, id);
  }

  @Route('staffResumeCampaign')
  resume(@CurrentStaff() staff: StaffActor, @Param('id') id: string): Promise<Campaign> {
    return this.campaigns.resume(staff, id);
  }

  @Route('staffCancelCampaign')
  cancel(@CurrentStaff() staff: StaffActor, @Param('id') id: string): Promise<Campaign> {
    return this.campaigns.cancel(staff, id);
  }

  @Route('staffCampaignProgress')
  progress(@CurrentStaff() staff: StaffActor, @Param('id') id: string): Promise<CampaignProgress> {
    return this.campaigns.progress(staff, id);
  }

  @Route('staffCampaignResults')
  results(@CurrentStaff() staff: StaffActor, @Param('id') id: string, @ValidQuery() query: CampaignResultsQuery): Promise<CampaignResults> {
    return this.campaigns.results(staff, id, query.days);
  }

  @Route('staffCampaignResultsExport')
  async exportResults(
    @CurrentStaff() staff: StaffActor,
    @Param('id') id: string,
    @ValidQuery() query: CampaignResultsQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const file = await this.campaigns.exportResults(staff, id, query.days);
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="${file.filename}"`);
    reply.header('Cache-Control', 'no-store');
    return new StreamableFile(file.stream);
  }
}
