import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module';
import { ConversationReplies } from './conversation-replies.service';
import { ConversationsController } from './conversations.controller';
import { ConversationsService } from './conversations.service';

@Module({
  imports: [ChatModule],
  controllers: [ConversationsController],
  providers: [ConversationsService, ConversationReplies],
})
export class ConversationsModule {}
