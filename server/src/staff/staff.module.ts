import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { StoresModule } from '../stores/stores.module';
import { StaffAuthService } from './staff-auth.service';
import { StaffController } from './staff.controller';
import { StaffDirectory } from './staff-directory.service';

/** Staff accounts: sign-in, and the directory the access guard reads each request's staff from. */
@Module({ imports: [AuthModule, StoresModule], controllers: [StaffController], providers: [StaffAuthService, StaffDirectory], exports: [StaffDirectory] })
export class StaffModule {}
