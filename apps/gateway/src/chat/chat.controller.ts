import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { RequestContext } from '@app/core';
import { GatewayContext } from '../http/gateway-context.decorator';
import { SseResponder } from '../http/sse-responder.service';
import { ChatCompletionsService } from './chat-completions.service';
import { ChatCompletionRequestDto } from './dto/chat-completion.dto';
import type { OpenAiCompletion } from './openai-response';

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
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OpenAiCompletion | undefined> {
    if (!dto.stream) return this.chat.complete(dto, context);
    this.sse.respond(reply, context, this.chat.stream(dto, context));
  }
}
