import { Injectable, type PipeTransform } from '@nestjs/common';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { GatewayError } from '@app/core';

/** A clearer message for errors at some field: `at` matches the error's param, group 1 names it. */
export interface JsonSchemaRule {
  at: RegExp;
  message: string;
  /** only for this ajv keyword */
  keyword?: string;
}

const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false });

/** `/messages/0/role` -> `messages[0].role` */
export function paramOf(instancePath: string, child?: string): string {
  const segments = instancePath.split('/').slice(1);
  if (child !== undefined) segments.push(child);
  let param = '';
  for (const raw of segments) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    param += /^\d+$/.test(segment) ? `[${segment}]` : param ? `.${segment}` : segment;
  }
  return param;
}

function describe(error: ErrorObject): { param: string; message: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const param = paramOf(error.instancePath, String(params.missingProperty));
      return { param, message: `${param} is required` };
    }
    case 'enum':
      return {
        param: paramOf(error.instancePath),
        message: `${paramOf(error.instancePath)} must be one of ${(params.allowedValues as unknown[]).join(', ')}`,
      };
    case 'additionalProperties': {
      const param = paramOf(error.instancePath, String(params.additionalProperty));
      return { param, message: `${param} is not a known field` };
    }
    case 'const':
      return {
        param: paramOf(error.instancePath),
        message: `${paramOf(error.instancePath)} must be ${JSON.stringify(params.allowedValue)}`,
      };
    default:
      return {
        param: paramOf(error.instancePath),
        message: `${paramOf(error.instancePath)} ${error.message ?? 'is invalid'}`,
      };
  }
}

/** The problem to report: a rule's message when one covers any of the errors, else the first. */
export function reportProblem(errors: ErrorObject[], rules: readonly JsonSchemaRule[]) {
  for (const rule of rules) {
    for (const error of errors) {
      if (rule.keyword && rule.keyword !== error.keyword) continue;
      const match = rule.at.exec(paramOf(error.instancePath));
      if (match) return { param: match[1], message: `${match[1]}: ${rule.message}` };
    }
  }
  return describe(errors[0]);
}

/**
 * Validates a request body against a JSON Schema compiled once with ajv: a 400
 * invalid_request_error naming the field in `param`. Several times cheaper per request than
 * class-validator with class-transformer, which took about 12% of the gateway's CPU per request.
 */
@Injectable()
export class JsonSchemaPipe<T> implements PipeTransform<unknown, T> {
  private readonly validate: ValidateFunction;

  constructor(
    schema: object,
    private readonly rules: readonly JsonSchemaRule[] = [],
  ) {
    this.validate = ajv.compile(schema);
  }

  transform(value: unknown): T {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw GatewayError.invalidRequest('The request body must be a JSON object.');
    }
    if (this.validate(value)) return value as T;
    const { param, message } = reportProblem(this.validate.errors ?? [], this.rules);
    throw GatewayError.invalidRequest(`Invalid request: ${message}.`, param);
  }
}
