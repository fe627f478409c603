import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { RequestContext } from '@app/core';
import { GatewayContext } from '../http/gateway-context.decorator';
import { SseResponder } from '../http/sse-responder.service';
import { ChatCompletionsService } from './chat-completions.service';
import { ChatCompletionRequestDto } from './dto/chat-completion.dto';

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
    @Body() dto: ChatCompletionRequestDto,
    @GatewayContext() context: RequestContext,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (dto.stream) return this.sse.respond(reply, context, this.chat.stream(dto, context));
    await reply.send(await this.chat.complete(dto, context));
  }
}
