import { Global, Module } from '@nestjs/common';
import { promptRegistryProvider } from './prompt-registry.provider';

/**
 * The prompt registry for the whole app: the prompts API renders with it, conversations start from
 * it, and the gateway's context step makes its summaries with it.
 */
@Global()
@Module({ providers: [promptRegistryProvider], exports: [promptRegistryProvider] })
export class PromptRegistryModule {}
