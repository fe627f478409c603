import { registerDecorator, type ValidationOptions } from 'class-validator';

function decorator(
  name: string,
  validate: (value: unknown) => boolean,
  message: string,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message, ...options },
      validator: { validate },
    });
}

/** `stop`: a string, up to 4 strings, or null. */
export function IsStopValue(): PropertyDecorator {
  return decorator(
    'isStopValue',
    (value) =>
      value === null ||
      typeof value === 'string' ||
      (Array.isArray(value) && value.length <= 4 && value.every((v) => typeof v === 'string')),
    'stop must be a string, an array of at most 4 strings, or null',
  );
}

/** `tool_choice`: auto | none | required | {type:'function', function:{name}}. */
export function IsToolChoice(): PropertyDecorator {
  return decorator(
    'isToolChoice',
    (value) => {
      if (value === 'auto' || value === 'none' || value === 'required') return true;
      if (typeof value !== 'object' || value === null) return false;
      const { type, function: fn } = value as Record<string, unknown>;
      return (
        type === 'function' &&
        typeof fn === 'object' &&
        fn !== null &&
        typeof (fn as Record<string, unknown>).name === 'string'
      );
    },
    'tool_choice must be "auto", "none", "required" or {"type":"function","function":{"name":...}}',
  );
}
