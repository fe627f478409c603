import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { RequestContext } from '@app/core';
import { GatewayContext } from '../http/gateway-context.decorator';
import { SseResponder } from '../http/sse-responder.service';
import { ChatCompletionsService } from './chat-completions.service';
import { JsonSchemaPipe } from '../http/json-schema.pipe';
import type { ChatCompletionRequestDto } from './dto/chat-completion.dto';
import { CHAT_COMPLETION_RULES, CHAT_COMPLETION_SCHEMA } from './dto/chat-completion.schema';

const chatCompletionBody = new JsonSchemaPipe<ChatCompletionRequestDto>(
  CHAT_COMPLETION_SCHEMA,
  CHAT_COMPLETION_RULES,
);

/**
 * The reply is sent here rather than by Nest: a stream takes the raw response over, and Nest
 * answering a hijacked reply again would cost an error object per request.
 */
@Controller('v1/chat')
export class ChatController {
  constructor(
    private readonly chat: ChatCompletionsService,
    private readonly sse: SseResponder,
  ) {}

  @Post('completions')
  @HttpCode(200)
  async create(
    @Body(chatCompletionBody) dto: ChatCompletionRequestDto,
    @GatewayContext() context: RequestContext,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (dto.stream) return this.sse.respond(reply, context, this.chat.stream(dto, context));
    await reply.send(await this.chat.complete(dto, context));
  }
}
