/** The validated GatewayConfig (an interface, so it needs a token). */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
