import { Logger, type Provider } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '@app/gateway';
import { PromptRegistry } from '@app/templates';

/**
 * The prompt registry, loaded once at start-up: a broken template throws (naming file and line)
 * and start-up fails. With `prompts.watch`, edits are served as they land; a broken edit is logged
 * and the prompt's last good version stays in service. Closed with the module (onModuleDestroy).
 */
export const promptRegistryProvider: Provider = {
  provide: PromptRegistry,
  inject: [GATEWAY_CONFIG],
  useFactory: (config: GatewayConfig): PromptRegistry => {
    const logger = new Logger('PromptRegistry');
    return PromptRegistry.load({
      dir: config.prompts.dir,
      watch: config.prompts.watch,
      onReloadError: (error) => logger.error(error.message),
      onReload: (names) => logger.log(`prompts reloaded: ${names.join(', ')}`),
    });
  },
};
