import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheckService,
  type HealthCheckResult,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import { GatewayHealthIndicators } from './health.indicators';

export interface ProbeResult {
  httpStatus: 200 | 503;
  body: HealthCheckResult;
}

/** The three Kubernetes probes. Terminus' 503 becomes a 503 with its own body, not an API error. */
@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: GatewayHealthIndicators,
  ) {}

  live(): Promise<ProbeResult> {
    return this.run([() => this.indicators.eventLoop()]);
  }

  ready(): Promise<ProbeResult> {
    return this.run([
      () => this.indicators.config_(),
      () => this.indicators.serving(),
      () => this.indicators.upstreams(),
      () => this.indicators.storage(),
      () => this.indicators.usage(),
    ]);
  }

  startup(): Promise<ProbeResult> {
    return this.run([() => this.indicators.started()]);
  }

  private async run(checks: HealthIndicatorFunction[]): Promise<ProbeResult> {
    try {
      return { httpStatus: 200, body: await this.health.check(checks) };
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        return { httpStatus: 503, body: error.getResponse() as HealthCheckResult };
      }
      throw error;
    }
  }
}
