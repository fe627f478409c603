import { Global, Module } from '@nestjs/common';
import { RequestObservers } from '../http/request-observers';
import { LifecycleService } from './lifecycle.service';

/** Process-wide request plumbing: in-flight tracking and drain, and the request observers. */
@Global()
@Module({
  providers: [LifecycleService, RequestObservers],
  exports: [LifecycleService, RequestObservers],
})
export class LifecycleModule {}
