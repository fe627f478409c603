import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '@app/core';
import './request-state';

/** Injects the RequestContext that the request hooks created for this request. */
export const GatewayContext = createParamDecorator(
  (_data: unknown, host: ExecutionContext): RequestContext =>
    host.switchToHttp().getRequest<FastifyRequest>().gateway.context,
);
