export * from './gateway-tracer';
export * from './semconv';
export * from './tracing-env';
export * from './tracing-sdk';
