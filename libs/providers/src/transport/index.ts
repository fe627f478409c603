export * from './http-transport';
export * from './retry-hints';
export * from './stream-decoders';
export * from './stream-mapping';
export * from './provider-transport';
