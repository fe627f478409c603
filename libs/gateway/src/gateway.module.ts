import { ConfigurableModuleBuilder, Module } from '@nestjs/common';
import { LlmClient } from '@app/core';
import { ResilienceRegistry } from '@app/resilience';
import type { ProviderConfig } from '@app/providers/provider-config';
import { SummaryCache } from '@app/context';
import { PromptRegistry } from '@app/templates';
import { GatewayClient } from './client/gateway-client';
import { ContextStep } from './context/context-step';
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

/** The process-wide breakers, retry budgets and bulkheads of the configured deployments. */
export function createResilienceRegistry(config: GatewayConfig): ResilienceRegistry {
  return new ResilienceRegistry({
    deployments: config.deployments,
    providers: config.providers,
    retryBudget: config.resilience.retryBudget,
  });
}

/**
 * The GatewayClient with its context step, whose summaries go through the client itself (so
 * retries, fallbacks and breakers apply to them too).
 */
export function createGatewayClient(
  options: GatewayModuleOptions,
  router: Router,
  resilience: ResilienceRegistry,
  prompts?: PromptRegistry,
  summaries?: SummaryCache,
): GatewayClient {
  const providers = new Map(
    options.config.providers.map((p) => [p.name, options.createProviderClient(p)]),
  );
  const self: Pick<LlmClient, 'complete'> = {
    complete: (request, context) => client.complete(request, context),
  };
  const client = new GatewayClient(
    router,
    providers,
    resilience,
    Math.random,
    new ContextStep(self, prompts, undefined, summaries),
  );
  return client;
}

/**
 * Provides the config, the router, the resilience state and the GatewayClient as the app's
 * LlmClient.
 */
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
      provide: ResilienceRegistry,
      useFactory: (config: GatewayConfig) => createResilienceRegistry(config),
      inject: [GATEWAY_CONFIG],
    },
    {
      provide: LlmClient,
      useFactory: (
        options: GatewayModuleOptions,
        router: Router,
        resilience: ResilienceRegistry,
        prompts: PromptRegistry | undefined,
        summaries: SummaryCache | undefined,
      ) => createGatewayClient(options, router, resilience, prompts, summaries),
      // the prompt templates make the summaries of the `summarize` policy; the app may keep
      // summaries in its store (they outlive a restart and are shared between replicas)
      inject: [
        MODULE_OPTIONS_TOKEN,
        Router,
        ResilienceRegistry,
        { token: PromptRegistry, optional: true },
        { token: SummaryCache, optional: true },
      ],
    },
  ],
  exports: [GATEWAY_CONFIG, Router, ResilienceRegistry, LlmClient],
})
export class GatewayModule extends ConfigurableModuleClass {}
