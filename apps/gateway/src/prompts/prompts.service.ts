import { Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { ChatRequest, RequestContext } from '@app/core';
import { PromptRegistry, type RenderedPrompt } from '@app/templates';
import { ChatCompletionsService } from '../chat/chat-completions.service';
import type { OpenAiCompletion } from '../chat/openai-response';
import type { PromptCompletionDto, PromptRenderDto } from './dto/prompt-request.schema';
import { wireDetail, wireRendered, wireSummary } from './prompt-wire';

/** The prompt template registry over HTTP: browse, dry-run, and run a template as a completion. */
@Injectable()
export class PromptsService {
  constructor(
    private readonly registry: PromptRegistry,
    private readonly chat: ChatCompletionsService,
  ) {}

  list(): { object: 'list'; data: Record<string, unknown>[] } {
    return { object: 'list', data: this.registry.list().map(wireSummary) };
  }

  get(name: string): Record<string, unknown> {
    return wireDetail(this.registry.get(name));
  }

  render(name: string, dto: PromptRenderDto, context: RequestContext): Record<string, unknown> {
    const rendered = this.renderFor(name, dto);
    context.meta.prompt = rendered.prompt;
    return wireRendered(rendered);
  }

  complete(
    name: string,
    dto: PromptCompletionDto,
    context: RequestContext,
  ): Promise<OpenAiCompletion> {
    return this.chat.completeRequest(this.request(name, dto, context), context);
  }

  /** Renders synchronously (a template error is a plain 400, before any stream starts). */
  stream(name: string, dto: PromptCompletionDto, context: RequestContext): Observable<string> {
    return this.chat.streamRequest(this.request(name, dto, context), context);
  }

  private renderFor(name: string, dto: PromptRenderDto): RenderedPrompt {
    return this.registry.render(name, {
      version: dto.version,
      label: dto.label,
      user: dto.user,
      variables: dto.variables ?? {},
    });
  }

  /** The chat request a template run makes: the version's defaults, then the caller's overrides. */
  private request(name: string, dto: PromptCompletionDto, context: RequestContext): ChatRequest {
    const rendered = this.renderFor(name, dto);
    context.meta.prompt = rendered.prompt;
    const { parameters } = rendered;
    const request: ChatRequest = {
      model: dto.model ?? rendered.route,
      messages: rendered.messages,
    };
    const temperature = dto.temperature ?? parameters.temperature;
    if (temperature !== undefined) request.temperature = temperature;
    const topP = dto.top_p ?? parameters.topP;
    if (topP !== undefined) request.topP = topP;
    const maxTokens = dto.max_tokens ?? parameters.maxTokens;
    if (maxTokens !== undefined) request.maxTokens = maxTokens;
    const seed = dto.seed ?? parameters.seed;
    if (seed !== undefined) request.seed = seed;
    if (parameters.stop !== undefined) request.stop = [...parameters.stop];
    if (parameters.presencePenalty !== undefined) {
      request.presencePenalty = parameters.presencePenalty;
    }
    if (parameters.frequencyPenalty !== undefined) {
      request.frequencyPenalty = parameters.frequencyPenalty;
    }
    if (rendered.responseFormat !== undefined) request.responseFormat = rendered.responseFormat;
    if (dto.user !== undefined) request.user = dto.user;
    if (dto.stream) request.includeUsage = dto.stream_options?.include_usage === true;
    return request;
  }
}
