import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Registry } from 'prom-client';
import { GatewayError } from '@app/core';
import { GATEWAY_CONFIG, type GatewayConfig } from '@app/gateway';
import { Public } from '../auth/public.decorator';

/** `GET /metrics`: the Prometheus exposition of this process (404 with `server.metrics: false`). */
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(Registry) private readonly registry: Registry,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get()
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    if (!this.config.server.metrics) throw GatewayError.notFound('Metrics are turned off.');
    const body = await this.registry.metrics();
    await reply.header('content-type', this.registry.contentType).send(body);
  }
}
