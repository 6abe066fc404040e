import { Module } from '@nestjs/common';
import { MemberLookup } from './member-lookup.service';
import { StaffAuthService } from './staff-auth.service';
import { StaffController } from './staff.controller';

@Module({ controllers: [StaffController], providers: [StaffAuthService, MemberLookup] })
export class StaffModule {}
