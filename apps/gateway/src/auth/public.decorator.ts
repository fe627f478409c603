import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'llm-gateway:public';

/** Marks a route as open without an API key (probes, metrics). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
