import {
  createRequestContext,
  messageText,
  type ChatRequest,
  type ContextOptions,
  type LlmClient,
  type Message,
  type RequestContext,
} from '@app/core';
import type { ChunkContext, ChunkSummarizer, SummarizeInput, Summarizer } from '@app/context';
import type { PromptRegistry } from '@app/templates';

/** Summaries are never themselves summarised: a long input to a summary is cut from the front. */
const SUMMARY_CONTEXT: ContextOptions['policy'] = 'truncate';

/**
 * The context step's summariser: renders the route's summary prompt (`summarize-conversation` by
 * default) and asks the route's `summarizeWith` route (a cheaper model) for the summary, through
 * the gateway itself, so retries, fallbacks and breakers apply. One per request being fitted: the
 * summary call is a child of it (its deadline and cancellation, `<id>:summary-<n>` as request id).
 */
export class TemplateSummarizer implements Summarizer, ChunkSummarizer {
  private calls = 0;

  constructor(
    private readonly llm: Pick<LlmClient, 'complete'>,
    private readonly prompts: PromptRegistry,
    private readonly route: string,
    private readonly options: ContextOptions,
    private readonly parent: RequestContext,
  ) {}

  summarize(input: SummarizeInput, signal?: AbortSignal): Promise<string> {
    const transcript = input.messages.map(transcriptLine).join('\n');
    const variables: Record<string, unknown> = { transcript };
    if (input.previousSummary) variables.previous_summary = input.previousSummary;
    return this.ask(variables, input.maxTokens, signal);
  }

  summarizeChunk(text: string, context: ChunkContext, signal?: AbortSignal): Promise<string> {
    const heading = context.question
      ? `Part ${context.index + 1} of ${context.total} of a document; keep what bears on: ${context.question}`
      : `Part ${context.index + 1} of ${context.total} of a document`;
    return this.ask({ transcript: `${heading}\n\n${text}` }, context.maxTokens, signal);
  }

  private async ask(
    variables: Record<string, unknown>,
    maxTokens: number,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const rendered = this.prompts.render(this.options.summaryPrompt, { variables });
    const request: ChatRequest = {
      model: this.route,
      messages: rendered.messages,
      maxTokens: Math.min(maxTokens, rendered.parameters.maxTokens ?? maxTokens),
    };
    if (rendered.parameters.temperature !== undefined) {
      request.temperature = rendered.parameters.temperature;
    }
    this.calls += 1;
    const context = createRequestContext({
      requestId: `${this.parent.requestId}:summary-${this.calls}`,
      signal: signal ?? this.parent.signal,
      deadline: this.parent.deadline,
      tenant: this.parent.tenant,
    });
    // the summary's attempts are spans of the request they were made for
    if (this.parent.trace !== undefined) context.trace = this.parent.trace;
    context.contextOptions = {
      options: { ...this.options, policy: SUMMARY_CONTEXT },
      force: true,
    };
    try {
      const response = await this.llm.complete(request, context);
      return response.message.content ?? '';
    } finally {
      // what the summary consumed is billed to the request it was made for
      const { attemptLog, subAttempts } = context.meta;
      const parent = (this.parent.meta.subAttempts ??= []);
      if (attemptLog !== undefined) parent.push(...attemptLog);
      if (subAttempts !== undefined) parent.push(...subAttempts);
    }
  }
}

/** `user: text` — the turns as one transcript, tool calls named. */
function transcriptLine(message: Message): string {
  const text = messageText(message);
  const calls = (message.toolCalls ?? []).map((call) => `${call.function.name}(...)`).join(', ');
  return `${message.role}: ${text}${calls ? ` [called ${calls}]` : ''}`;
}
