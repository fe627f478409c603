import { Catch, Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_CONFIG, type GatewayConfig } from '@app/gateway';
import { renderError } from './openai-error';
import type { GatewayRequestState } from './request-state';

/** Every error on every route leaves in the OpenAI error shape (DESIGN.md §4). */
@Catch()
export class OpenAiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const rendered = renderError(exception, this.config.server.bodyLimitBytes);
    // the request's log line names the error (a request Fastify rejected has no gateway state)
    const state = http.getRequest<FastifyRequest>().gateway as GatewayRequestState | null;
    if (state) state.context.meta.errorCode = rendered.error.code;
    if (rendered.status >= 500 && !rendered.error.provider) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    if (reply.sent || reply.raw.headersSent) return;
    void reply.code(rendered.status).headers(rendered.headers).send(rendered.error.toJSON());
  }
}
