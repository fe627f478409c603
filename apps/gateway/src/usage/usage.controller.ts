import { Controller, Get, Query } from '@nestjs/common';
import type { RequestContext } from '@app/core';
import { GatewayContext } from '../http/gateway-context.decorator';
import { JsonSchemaPipe } from '../http/json-schema.pipe';
import {
  USAGE_QUERY_RULES,
  USAGE_QUERY_SCHEMA,
  type UsageQueryParams,
} from './dto/usage-query.schema';
import { UsageReportService } from './usage-report.service';
import type { UsageReport } from './usage-wire';

const usageQuery = new JsonSchemaPipe<UsageQueryParams>(USAGE_QUERY_SCHEMA, USAGE_QUERY_RULES);

@Controller('v1/usage')
export class UsageController {
  constructor(private readonly usage: UsageReportService) {}

  @Get()
  report(
    @Query(usageQuery) query: UsageQueryParams,
    @GatewayContext() context: RequestContext,
  ): Promise<UsageReport> {
    return this.usage.report(query, context);
  }
}
