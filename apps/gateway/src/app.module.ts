import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { GatewayModule, type GatewayConfig } from '@app/gateway';
import { createProviderClient } from '@app/providers';
import { ApiKeyRegistry } from '@app/tenancy';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ChatModule } from './chat/chat.module';
import { HealthModule } from './health/health.module';
import { OpenAiExceptionFilter } from './http/openai-exception.filter';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { MetricsModule } from './metrics/metrics.module';
import { ModelsModule } from './models/models.module';
import { ConversationsModule } from './conversations/conversations.module';
import { PromptRegistryModule } from './prompts/prompt-registry.module';
import { PromptsModule } from './prompts/prompts.module';
import { StorageModule } from './storage/storage.module';
import { TracingModule } from './tracing/tracing.module';
import { UsageModule } from './usage/usage.module';

/** Every API key the config accepts, hashed: the static `auth.apiKeys` and each tenant's keys. */
function apiKeyRegistry(config: GatewayConfig): ApiKeyRegistry {
  return new ApiKeyRegistry([
    ...config.auth.apiKeys.map((key) => ({ id: key.id, sha256: key.sha256 })),
    ...config.tenants.flatMap((tenant) =>
      tenant.apiKeys.map((key) => ({ id: key.id, sha256: key.sha256, tenantId: tenant.id })),
    ),
  ]);
}

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        GatewayModule.forRoot({ config, createProviderClient }),
        PromptRegistryModule,
        StorageModule,
        UsageModule,
        LifecycleModule,
        HealthModule,
        MetricsModule,
        TracingModule,
        ChatModule,
        ModelsModule,
        PromptsModule,
        ConversationsModule,
      ],
      providers: [
        { provide: ApiKeyRegistry, useValue: apiKeyRegistry(config) },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: OpenAiExceptionFilter },
      ],
    };
  }
}
