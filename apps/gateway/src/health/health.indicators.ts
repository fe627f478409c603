import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { GATEWAY_CONFIG, type GatewayConfig } from '@app/gateway';
import { ConversationStore } from '@app/conversations';
import { ResilienceRegistry } from '@app/resilience';
import { UsageRecorder, UsageStore } from '@app/usage';
import { LifecycleService } from '../lifecycle/lifecycle.service';

/** Health indicators: each returns up or down and never throws; none calls an upstream. */
@Injectable()
export class GatewayHealthIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly lifecycle: LifecycleService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly resilience: ResilienceRegistry,
    @Inject(ConversationStore) private readonly store: ConversationStore,
    @Inject(UsageStore) private readonly usageStore: UsageStore,
    private readonly usageRecorder: UsageRecorder,
  ) {}

  config_() {
    return this.indicators.check('config').up({
      providers: this.config.providers.length,
      deployments: this.config.deployments.length,
      routes: this.config.routes.length,
    });
  }

  serving() {
    const check = this.indicators.check('serving');
    const details = { inFlight: this.lifecycle.inFlightCount };
    return this.lifecycle.draining ? check.down({ ...details, draining: true }) : check.up(details);
  }

  /**
   * Circuit breakers and provider queues, for operators. Always up: an open breaker is the
   * upstream's problem, and taking every replica out of service for it would turn a degraded
   * route into an outage.
   */
  upstreams() {
    const { breakers, bulkheads } = this.resilience.snapshot();
    return this.indicators.check('upstreams').up({
      openBreakers: breakers.filter((breaker) => breaker.state !== 'closed').length,
      breakers,
      bulkheads,
    });
  }

  /**
   * The conversation store (a 2 s ping). Reported, but always up: an unreachable database breaks
   * conversations, not chat completions, so it must not take replicas out of service.
   */
  async storage() {
    const ping = await this.store.ping();
    const details: Record<string, unknown> = { kind: this.store.kind, reachable: ping.ok };
    if (ping.ok) details.latencyMs = ping.latencyMs;
    else details.error = ping.error;
    return this.indicators.check('storage').up(details);
  }

  /**
   * The usage ledger: its database (a 2 s ping) and the recorder's buffer (events waiting, events
   * lost). Always up, like storage: while the database is away the events wait in memory.
   */
  async usage() {
    const ping = await this.usageStore.ping();
    const { pending, dropped, failing } = this.usageRecorder.stats();
    const details: Record<string, unknown> = { kind: this.usageStore.kind, reachable: ping.ok };
    if (ping.ok) details.latencyMs = ping.latencyMs;
    else details.error = ping.error;
    Object.assign(details, { pendingEvents: pending, droppedEvents: dropped, writing: !failing });
    return this.indicators.check('usage').up(details);
  }

  started() {
    const check = this.indicators.check('startup');
    return this.lifecycle.startupComplete ? check.up() : check.down({ message: 'starting' });
  }

  eventLoop() {
    return this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) });
  }
}
