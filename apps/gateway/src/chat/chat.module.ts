import { Module } from '@nestjs/common';
import { SseResponder } from '../http/sse-responder.service';
import { ChatCompletionsService } from './chat-completions.service';
import { ChatController } from './chat.controller';

@Module({
  controllers: [ChatController],
  providers: [ChatCompletionsService, SseResponder],
  exports: [ChatCompletionsService, SseResponder],
})
export class ChatModule {}
