import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestContext } from '@app/core';

/** A request as it ended, for the observers (metrics, usage, traces). */
export interface FinishedRequest {
  context: RequestContext;
  method: string;
  /** the URL path without its query */
  path: string;
  status: number;
  /** milliseconds from receipt to the end of the response (or the client going away) */
  latencyMs: number;
  /** a probe or metrics scrape, not API traffic */
  probe: boolean;
}

/** Something that watches every request: told when it starts and when its response ends. */
export interface RequestObserver {
  /** before any handler runs; must be cheap and must not throw */
  requestStarted?(context: RequestContext, headers: IncomingHttpHeaders): void;
  /** once, after the response ended or the client went away; must not throw */
  requestFinished(request: FinishedRequest): void;
}

/**
 * The observers of the app's requests. Each observing service registers itself when it is built;
 * the Fastify hooks call them (`installRequestHooks`).
 */
@Injectable()
export class RequestObservers {
  private readonly starters: RequestObserver[] = [];
  private readonly all: RequestObserver[] = [];

  register(observer: RequestObserver): void {
    this.all.push(observer);
    if (observer.requestStarted) this.starters.push(observer);
  }

  started(context: RequestContext, headers: IncomingHttpHeaders): void {
    for (const observer of this.starters) observer.requestStarted?.(context, headers);
  }

  finished(request: FinishedRequest): void {
    for (const observer of this.all) observer.requestFinished(request);
  }
}
