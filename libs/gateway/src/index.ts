export * from './client/gateway-client';
export * from './config';
export * from './gateway.module';
export * from './gateway.tokens';
export * from './routing/router';
