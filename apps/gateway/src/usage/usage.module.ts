import { Global, Module } from '@nestjs/common';
import { UsageRecorder } from '@app/usage';
import { UsageController } from './usage.controller';
import {
  UsageLedgerCloser,
  usageRecorderProvider,
  usageStoreProvider,
} from './usage-ledger.providers';
import { UsageReportService } from './usage-report.service';

/**
 * The usage ledger: every attempt that consumed tokens is recorded when its request ends (off the
 * request path, in batches) and added up by `GET /v1/usage`. Global: readiness reports it.
 */
@Global()
@Module({
  controllers: [UsageController],
  providers: [usageStoreProvider, usageRecorderProvider, UsageLedgerCloser, UsageReportService],
  exports: [usageStoreProvider, UsageRecorder],
})
export class UsageModule {}
