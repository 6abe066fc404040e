import { Module } from '@nestjs/common';
import { Ledger } from './ledger';
import { LedgerRepository } from './ledger.repository';

/** Value accounts (member × kind) and their append-only entries: one write path, and the reads beside it. */
@Module({ providers: [Ledger, LedgerRepository], exports: [Ledger, LedgerRepository] })
export class LedgerModule {}
