import { Module } from '@nestjs/common';
import { PointsModule } from '../points/points.module';
import { AuthController } from '../auth/auth.controller';
import { MemberCardService } from './member-card.service';
import { MemberJoin } from './member-join.usecase';
import { MemberLogin } from './member-login.usecase';
import { MembersController } from './members.controller';

@Module({
  imports: [PointsModule],
  controllers: [AuthController, MembersController],
  providers: [MemberLogin, MemberJoin, MemberCardService],
})
export class MembersModule {}
