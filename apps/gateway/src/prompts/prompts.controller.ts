import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { RequestContext } from '@app/core';
import { GatewayContext } from '../http/gateway-context.decorator';
import { JsonSchemaPipe } from '../http/json-schema.pipe';
import { SseResponder } from '../http/sse-responder.service';
import {
  PROMPT_COMPLETION_SCHEMA,
  PROMPT_RENDER_SCHEMA,
  type PromptCompletionDto,
  type PromptRenderDto,
} from './dto/prompt-request.schema';
import { PromptsService } from './prompts.service';

const renderBody = new JsonSchemaPipe<PromptRenderDto>(PROMPT_RENDER_SCHEMA);
const completionBody = new JsonSchemaPipe<PromptCompletionDto>(PROMPT_COMPLETION_SCHEMA);

@Controller('v1/prompts')
export class PromptsController {
  constructor(
    private readonly prompts: PromptsService,
    private readonly sse: SseResponder,
  ) {}

  @Get()
  list() {
    return this.prompts.list();
  }

  @Get(':name')
  get(@Param('name') name: string) {
    return this.prompts.get(name);
  }

  @Post(':name/render')
  @HttpCode(200)
  render(
    @Param('name') name: string,
    @Body(renderBody) dto: PromptRenderDto,
    @GatewayContext() context: RequestContext,
  ) {
    return this.prompts.render(name, dto, context);
  }

  @Post(':name/completions')
  @HttpCode(200)
  async complete(
    @Param('name') name: string,
    @Body(completionBody) dto: PromptCompletionDto,
    @GatewayContext() context: RequestContext,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (dto.stream)
      return this.sse.respond(reply, context, this.prompts.stream(name, dto, context));
    await reply.send(await this.prompts.complete(name, dto, context));
  }
}
