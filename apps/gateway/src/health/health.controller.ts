import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../auth/public.decorator';
import { HealthService, type ProbeResult } from './health.service';

function send(reply: FastifyReply, result: ProbeResult): HealthCheckResult {
  void reply.code(result.httpStatus);
  return result.body;
}

@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  async live(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return send(reply, await this.health.live());
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return send(reply, await this.health.ready());
  }

  @Get('startup')
  async startup(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return send(reply, await this.health.startup());
  }
}
