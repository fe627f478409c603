import type { JsonSchemaRule } from '../../http/json-schema.pipe';

/** `GET /v1/usage` query parameters, as Fastify parses them (every value a string). */
export interface UsageQueryParams {
  /** comma-separated group keys: tenant, key, route, deployment, day (default: day) */
  group_by?: string;
  /** first day, YYYY-MM-DD UTC, inclusive */
  from?: string;
  /** last day, YYYY-MM-DD UTC, inclusive */
  to?: string;
  /** an owner: a tenant id, `key:<id>` for a static key, or `anonymous` */
  tenant?: string;
  /** an API key id */
  key?: string;
  route?: string;
  deployment?: string;
}

const DAY = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
const NAME = { type: 'string', minLength: 1, maxLength: 256 };

/** The shape; what the values mean (known group keys, real days, their order) the service checks. */
export const USAGE_QUERY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    group_by: { type: 'string', maxLength: 256 },
    from: DAY,
    to: DAY,
    tenant: NAME,
    key: NAME,
    route: NAME,
    deployment: NAME,
  },
} as const;

export const USAGE_QUERY_RULES: readonly JsonSchemaRule[] = [
  { at: /^(from|to)$/, keyword: 'pattern', message: 'must be a day as YYYY-MM-DD' },
  { at: /^(group_by)$/, keyword: 'type', message: 'must be one comma-separated list' },
];
