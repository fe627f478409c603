import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module';
import { PromptsController } from './prompts.controller';
import { PromptsService } from './prompts.service';

@Module({
  imports: [ChatModule],
  controllers: [PromptsController],
  providers: [PromptsService],
})
export class PromptsModule {}
