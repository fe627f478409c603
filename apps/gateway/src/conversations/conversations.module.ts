import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module';
import { ConversationReplies } from './conversation-replies.service';
import { ConversationStoreCloser, conversationStoreProvider } from './conversation-store.provider';
import { ConversationsController } from './conversations.controller';
import { ConversationsService } from './conversations.service';

@Module({
  imports: [ChatModule],
  controllers: [ConversationsController],
  providers: [
    conversationStoreProvider,
    ConversationStoreCloser,
    ConversationsService,
    ConversationReplies,
  ],
  exports: [conversationStoreProvider],
})
export class ConversationsModule {}
