export { catalogName, lookupModel } from './lookup-model';
export { MODEL_CATALOG, type ModelLimits } from './model-catalog';
