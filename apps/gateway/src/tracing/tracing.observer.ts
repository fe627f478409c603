import { Inject, Injectable, Optional } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestContext } from '@app/core';
import { GatewayTracer } from '@app/observability';
import {
  RequestObservers,
  type FinishedRequest,
  type RequestObserver,
} from '../http/request-observers';

/**
 * Traces the app's requests (`GatewayTracer`): registers itself with the request observers only
 * when tracing is on, so with tracing off no request pays anything for it.
 */
@Injectable()
export class TracingObserver implements RequestObserver {
  constructor(
    @Optional() @Inject(GatewayTracer) private readonly tracer: GatewayTracer | undefined,
    observers: RequestObservers,
  ) {
    if (tracer !== undefined) observers.register(this);
  }

  get enabled(): boolean {
    return this.tracer !== undefined;
  }

  requestStarted(context: RequestContext, headers: IncomingHttpHeaders): void {
    this.tracer?.start(context, headers);
  }

  requestFinished(finished: FinishedRequest): void {
    this.tracer?.finish(finished);
  }
}
