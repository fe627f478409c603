import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { GatewayError } from '@app/core';

/** The first problem of a class-validator result, with the dotted/bracketed path as `param`. */
export function firstProblem(
  errors: ValidationError[],
  prefix = '',
): { param: string; message: string } {
  const error = errors[0];
  const isIndex = /^\d+$/.test(error.property);
  const param = isIndex
    ? `${prefix}[${error.property}]`
    : prefix
      ? `${prefix}.${error.property}`
      : error.property;
  if (error.children?.length) return firstProblem(error.children, param);
  const constraints = Object.values(error.constraints ?? {});
  const detail = constraints[0] ?? 'is invalid';
  // class-validator messages start with the bare property name; name the full path instead
  const message = detail.startsWith(error.property)
    ? `${param}${detail.slice(error.property.length)}`
    : `${param}: ${detail}`;
  return { param, message };
}

/** A body must be a JSON object before any field can be checked. */
class GatewayValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (
      metadata.type === 'body' &&
      (typeof value !== 'object' || value === null || Array.isArray(value))
    ) {
      throw GatewayError.invalidRequest('The request body must be a JSON object.');
    }
    return super.transform(value, metadata);
  }
}

/** Validates and transforms DTOs; failures are 400 invalid_request_error naming the field. */
export function createValidationPipe(): ValidationPipe {
  return new GatewayValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      if (!errors.length) return GatewayError.invalidRequest('The request body is invalid.');
      const { param, message } = firstProblem(errors);
      return GatewayError.invalidRequest(`Invalid request: ${message}.`, param);
    },
  });
}
