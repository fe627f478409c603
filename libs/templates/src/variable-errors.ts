import type { ErrorObject } from 'ajv';
import { GatewayError } from '@app/core';
import { LiquidError } from 'liquidjs';

/** `/history/0/role` (+ `name`) -> `variables.history[0].role.name` */
export function variableParam(instancePath: string, child?: string): string {
  const segments = instancePath.split('/').slice(1);
  if (child !== undefined) segments.push(child);
  let param = 'variables';
  for (const raw of segments) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    param += /^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`;
  }
  return param;
}

/** The 400 for the first schema violation in `errors` (ajv's order), naming its path. */
export function variablesInvalid(prompt: string, errors: readonly ErrorObject[]): GatewayError {
  const error = errors[0];
  if (error === undefined) return GatewayError.invalidRequest(`Invalid variables for ${prompt}.`);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const param = variableParam(error.instancePath, String(params.missingProperty));
      const what = error.instancePath === '' ? 'Missing variable' : 'Missing field';
      return GatewayError.invalidRequest(`${what} ${param} (required by ${prompt}).`, param);
    }
    case 'additionalProperties': {
      const param = variableParam(error.instancePath, String(params.additionalProperty));
      return GatewayError.invalidRequest(`${param} is not declared by ${prompt}.`, param);
    }
    case 'enum': {
      const param = variableParam(error.instancePath);
      const allowed = (params.allowedValues as unknown[]).map((value) => JSON.stringify(value));
      return GatewayError.invalidRequest(`${param} must be one of ${allowed.join(', ')}.`, param);
    }
    default: {
      const param = variableParam(error.instancePath);
      return GatewayError.invalidRequest(`${param} ${error.message ?? 'is invalid'}.`, param);
    }
  }
}

/**
 * A failure while rendering: an unset (optional) variable is a 400 naming it; any other Liquid
 * error (a filter refusing the value it was given) is a 400 `prompt_render_failed`. Anything that
 * is not a Liquid error is a bug and is rethrown.
 */
export function renderFailed(
  prompt: string,
  error: unknown,
  declared: (name: string) => boolean,
): GatewayError {
  if (!(error instanceof LiquidError)) throw error;
  const variable = undefinedVariable(error);
  if (variable !== undefined) {
    const param = declared(variable.split(/[.[]/)[0]) ? `variables.${variable}` : 'variables';
    return GatewayError.invalidRequest(
      `Variable ${variable} is not set (used by ${prompt}).`,
      param,
    );
  }
  const reason = error.message.replace(/, line:\d+, col:\d+[\s\S]*$/, '');
  return GatewayError.invalidRequest(
    `Rendering ${prompt} failed: ${reason}.`,
    'variables',
    'prompt_render_failed',
  );
}

function undefinedVariable(error: LiquidError): string | undefined {
  if (error.name !== 'UndefinedVariableError') return undefined;
  const inner = error.originalError as { variableName?: unknown } | undefined;
  if (typeof inner?.variableName === 'string') return inner.variableName;
  return /^undefined variable: ([^,]+)/.exec(error.message)?.[1];
}
