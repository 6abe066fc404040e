import { Module } from '@nestjs/common';
import { AccessPolicy } from './access-policy';

/** Who may see and do what: the access policy services ask about stores, members and orders. */
@Module({ providers: [AccessPolicy], exports: [AccessPolicy] })
export class AccessModule {}
