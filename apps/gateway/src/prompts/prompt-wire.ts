import { messageText, type ResponseFormat } from '@app/core';
import type {
  PromptDetail,
  PromptParameters,
  PromptSummary,
  PromptVersionInfo,
  RenderedPrompt,
} from '@app/templates';

/** Sampling parameters with the OpenAI field names. */
export function wireParameters(parameters: PromptParameters): Record<string, unknown> {
  const wire: Record<string, unknown> = {};
  if (parameters.temperature !== undefined) wire.temperature = parameters.temperature;
  if (parameters.topP !== undefined) wire.top_p = parameters.topP;
  if (parameters.maxTokens !== undefined) wire.max_tokens = parameters.maxTokens;
  if (parameters.stop !== undefined) wire.stop = parameters.stop;
  if (parameters.seed !== undefined) wire.seed = parameters.seed;
  if (parameters.presencePenalty !== undefined) wire.presence_penalty = parameters.presencePenalty;
  if (parameters.frequencyPenalty !== undefined) {
    wire.frequency_penalty = parameters.frequencyPenalty;
  }
  return wire;
}

/** `response_format` as an OpenAI request carries it. */
export function wireResponseFormat(format: ResponseFormat): Record<string, unknown> {
  if (format.type !== 'json_schema') return { type: format.type };
  return { type: 'json_schema', json_schema: { ...format.jsonSchema } };
}

export function wireSummary(summary: PromptSummary): Record<string, unknown> {
  return {
    object: 'prompt',
    name: summary.name,
    description: summary.description,
    latest_version: summary.latestVersion,
    versions: summary.versions,
    labels: summary.labels,
  };
}

function wireVersion(version: PromptVersionInfo): Record<string, unknown> {
  return {
    version: version.version,
    description: version.description,
    model: version.route,
    parameters: wireParameters(version.parameters),
    variables: version.variables,
    messages: version.messages,
    ...(version.responseFormat
      ? { response_format: wireResponseFormat(version.responseFormat) }
      : {}),
    hash: version.hash,
    file: version.file,
  };
}

export function wireDetail(detail: PromptDetail): Record<string, unknown> {
  return {
    object: 'prompt',
    name: detail.name,
    description: detail.description,
    latest_version: detail.latestVersion,
    labels: detail.labels,
    versions: detail.versions.map(wireVersion),
  };
}

/** A dry run: the request a template produces, in the shape of a Chat Completions body. */
export function wireRendered(rendered: RenderedPrompt): Record<string, unknown> {
  return {
    object: 'prompt.rendering',
    prompt: rendered.prompt,
    model: rendered.route,
    ...wireParameters(rendered.parameters),
    ...(rendered.responseFormat
      ? { response_format: wireResponseFormat(rendered.responseFormat) }
      : {}),
    messages: rendered.messages.map((message) => ({
      role: message.role,
      content: messageText(message),
    })),
  };
}
