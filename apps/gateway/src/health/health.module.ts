import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ConversationsModule } from '../conversations/conversations.module';
import { HealthController } from './health.controller';
import { GatewayHealthIndicators } from './health.indicators';
import { HealthService } from './health.service';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), ConversationsModule],
  controllers: [HealthController],
  providers: [HealthService, GatewayHealthIndicators],
})
export class HealthModule {}
