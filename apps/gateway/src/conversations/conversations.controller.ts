import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { RequestContext } from '@app/core';
import { GatewayContext } from '../http/gateway-context.decorator';
import { JsonSchemaPipe } from '../http/json-schema.pipe';
import { SseResponder } from '../http/sse-responder.service';
import { ConversationReplies } from './conversation-replies.service';
import { ConversationsService } from './conversations.service';
import {
  CREATE_CONVERSATION_SCHEMA,
  POST_MESSAGE_SCHEMA,
  type CreateConversationDto,
  type ListConversationsQuery,
  type PostMessageDto,
} from './dto/conversation.schema';

const createBody = new JsonSchemaPipe<CreateConversationDto>(CREATE_CONVERSATION_SCHEMA);
const messageBody = new JsonSchemaPipe<PostMessageDto>(POST_MESSAGE_SCHEMA);

@Controller('v1/conversations')
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly replies: ConversationReplies,
    private readonly sse: SseResponder,
  ) {}

  @Post()
  @HttpCode(201)
  create(@Body(createBody) dto: CreateConversationDto, @GatewayContext() context: RequestContext) {
    return this.conversations.create(dto, context);
  }

  @Get()
  list(@Query() query: ListConversationsQuery, @GatewayContext() context: RequestContext) {
    return this.conversations.list(query, context);
  }

  @Get(':id')
  get(@Param('id') id: string, @GatewayContext() context: RequestContext) {
    return this.conversations.get(id, context);
  }

  @Delete(':id')
  delete(@Param('id') id: string, @GatewayContext() context: RequestContext) {
    return this.conversations.delete(id, context);
  }

  @Post(':id/messages')
  @HttpCode(200)
  async postMessage(
    @Param('id') id: string,
    @Body(messageBody) dto: PostMessageDto,
    @GatewayContext() context: RequestContext,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (dto.stream === false) {
      await reply.send(await this.replies.reply(id, dto, context));
      return;
    }
    this.sse.respond(reply, context, this.replies.stream(id, dto, context), {
      errorEvent: 'error',
    });
  }
}
