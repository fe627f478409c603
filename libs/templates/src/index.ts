export * from './prompt-registry';
export * from './prompt-types';
export { TemplateLoadError, formatLocation, type TemplateLoadIssue } from './template-load-error';
export { pickVersion, stickyUnit, type RandomSource } from './split';
export { DEFAULT_LABEL } from './resolve-version';
