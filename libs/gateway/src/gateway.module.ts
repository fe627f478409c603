import { ConfigurableModuleBuilder, Module } from '@nestjs/common';
import { LlmClient } from '@app/core';
import type { ProviderConfig } from '@app/providers/provider-config';
import { GatewayClient } from './client/gateway-client';
import type { GatewayConfig } from './config';
import { GATEWAY_CONFIG } from './gateway.tokens';
import { Router } from './routing/router';

export interface GatewayModuleOptions {
  config: GatewayConfig;
  /** builds the client for one provider entry (the registry of @app/providers in production) */
  createProviderClient: (provider: ProviderConfig) => LlmClient;
}

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } =
  new ConfigurableModuleBuilder<GatewayModuleOptions>()
    .setClassMethodName('forRoot')
    .setExtras({ isGlobal: true }, (definition, extras) => ({
      ...definition,
      global: extras.isGlobal,
    }))
    .build();

/** Provides the config, the router and the GatewayClient as the app's LlmClient. */
@Module({
  providers: [
    {
      provide: GATEWAY_CONFIG,
      useFactory: (options: GatewayModuleOptions) => options.config,
      inject: [MODULE_OPTIONS_TOKEN],
    },
    {
      provide: Router,
      useFactory: (config: GatewayConfig) => new Router(config),
      inject: [GATEWAY_CONFIG],
    },
    {
      provide: LlmClient,
      useFactory: (options: GatewayModuleOptions, router: Router) =>
        new GatewayClient(
          router,
          new Map(options.config.providers.map((p) => [p.name, options.createProviderClient(p)])),
        ),
      inject: [MODULE_OPTIONS_TOKEN, Router],
    },
  ],
  exports: [GATEWAY_CONFIG, Router, LlmClient],
})
export class GatewayModule extends ConfigurableModuleClass {}
