import { Inject, Injectable } from '@nestjs/common';
import { GatewayError, type RequestContext } from '@app/core';
import {
  emptyCounters,
  isUsageDay,
  isUsageGroupKey,
  USAGE_GROUP_KEYS,
  UsageRecorder,
  UsageStore,
  type UsageGroupKey,
  type UsageQuery,
} from '@app/usage';
import type { UsageQueryParams } from './dto/usage-query.schema';
import { usageScope, type UsageScope } from './usage-scope';
import { toUsageReport, type UsageReport } from './usage-wire';

/** `group_by` when the caller sends none */
export const DEFAULT_GROUP_BY: readonly UsageGroupKey[] = ['day'];

/**
 * `GET /v1/usage`: the caller's query checked and scoped, this replica's buffered events written
 * first (so a caller sees its own requests at once), then the ledger's sums.
 */
@Injectable()
export class UsageReportService {
  constructor(
    @Inject(UsageStore) private readonly store: UsageStore,
    private readonly recorder: UsageRecorder,
  ) {}

  async report(params: UsageQueryParams, context: RequestContext): Promise<UsageReport> {
    const query = usageQueryOf(params, usageScope(context));
    if (query === undefined) {
      // a scoped caller asked for another owner: nothing of theirs matches
      const groupBy = parseGroupBy(params.group_by);
      return toUsageReport(groupBy, { rows: [], total: emptyCounters() });
    }
    await this.recorder.flush();
    return toUsageReport(query.groupBy, await this.store.totals(query));
  }
}

/**
 * The store query for the caller's parameters within its scope; undefined when the scope and the
 * `tenant` filter exclude each other. @throws GatewayError 400 naming the parameter
 */
export function usageQueryOf(params: UsageQueryParams, scope: UsageScope): UsageQuery | undefined {
  const query: UsageQuery = { groupBy: parseGroupBy(params.group_by) };
  for (const field of ['from', 'to'] as const) {
    const day = params[field];
    if (day === undefined) continue;
    if (!isUsageDay(day)) {
      throw GatewayError.invalidRequest(`${field}: '${day}' is not a day (YYYY-MM-DD).`, field);
    }
    query[field] = day;
  }
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    throw GatewayError.invalidRequest(`from (${query.from}) is after to (${query.to}).`, 'from');
  }
  if (params.key !== undefined) query.key = params.key;
  if (params.route !== undefined) query.route = params.route;
  if (params.deployment !== undefined) query.deployment = params.deployment;
  if (scope.kind === 'owner') {
    if (params.tenant !== undefined && params.tenant !== scope.owner) return undefined;
    query.tenant = scope.owner;
  } else if (params.tenant !== undefined) {
    query.tenant = params.tenant;
  }
  return query;
}

/** `tenant,route, day` -> ['tenant', 'route', 'day']; absent -> the default; empty -> none. */
export function parseGroupBy(text: string | undefined): UsageGroupKey[] {
  if (text === undefined) return [...DEFAULT_GROUP_BY];
  const keys: UsageGroupKey[] = [];
  for (const raw of text.split(',')) {
    const key = raw.trim();
    if (key === '') continue;
    if (!isUsageGroupKey(key)) {
      throw GatewayError.invalidRequest(
        `group_by: unknown field '${key}'; use any of ${USAGE_GROUP_KEYS.join(', ')}.`,
        'group_by',
      );
    }
    if (keys.includes(key)) {
      throw GatewayError.invalidRequest(`group_by: '${key}' is given twice.`, 'group_by');
    }
    keys.push(key);
  }
  return keys;
}
