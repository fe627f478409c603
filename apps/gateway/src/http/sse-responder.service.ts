import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import type { RequestContext } from '@app/core';
import { GATEWAY_CONFIG, type GatewayConfig } from '@app/gateway';
import { sseData, sseEvent, writeSse } from '@app/streaming';
import { gatewayHeaders } from './gateway-headers';
import { renderError } from './openai-error';

/** Sends an Observable of SSE frames as the response, taking the reply out of Fastify's hands. */
@Injectable()
export class SseResponder {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  /**
   * `errorEvent` names the event an error after the first frame is sent as (conversations:
   * `error`); by default it is an unnamed `data:` event, as OpenAI streams have it.
   */
  respond(
    reply: FastifyReply,
    context: RequestContext,
    frames: Observable<string>,
    options: { errorEvent?: string } = {},
  ): void {
    const { bodyLimitBytes, heartbeatMs } = this.config.server;
    // renders the error once for either place it can go, and records its code for the log line
    const render = (error: unknown) => {
      const rendered = renderError(error, bodyLimitBytes);
      context.meta.errorCode = rendered.error.code;
      return rendered;
    };
    reply.hijack();
    writeSse(reply.raw, frames, {
      heartbeatMs,
      headers: () => ({
        ...(reply.getHeaders() as Record<string, string>),
        ...gatewayHeaders(context, { settled: false }),
      }),
      renderError: (error) => {
        const rendered = render(error);
        return {
          status: rendered.status,
          headers: rendered.headers,
          body: JSON.stringify(rendered.error.toJSON()),
        };
      },
      errorFrame: (error) => {
        const body = render(error).error.toJSON();
        return options.errorEvent === undefined
          ? sseData(body)
          : sseEvent(options.errorEvent, body);
      },
      onClientGone: () => {
        context.meta.streamOutcome = 'cancelled';
      },
    });
  }
}
