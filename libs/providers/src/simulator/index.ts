export { SimulatorClient } from './simulator-client';
export { DEFAULT_SIMULATOR_SETTINGS, resolveSimulatorSettings } from './settings';
export { parseDirectives, type SimDirectives } from './directives';
export { countPromptTokens, countTextTokens } from './token-count';
export { generateFromSchema, generateJsonObject } from './json-schema';
export type { JsonValue } from './json-value';
