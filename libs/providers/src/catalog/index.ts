export { catalogName, lookupModel, lookupPricing } from './lookup-model';
export { MODEL_CATALOG, type ModelLimits } from './model-catalog';
export { MODEL_PRICES } from './model-prices';
