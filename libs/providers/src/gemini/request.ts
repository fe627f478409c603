import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from '@app/core';
import { toGeminiConversation } from './contents';
import type {
  GeminiFunctionDeclaration,
  GeminiGenerationConfig,
  GeminiRequest,
  GeminiToolConfig,
} from './wire';

/** The model id as it goes in the URL path: `gemini-2.5-flash` (a `models/` prefix is dropped). */
export function geminiModelPath(model: string, stream: boolean): string {
  const id = encodeURIComponent(model.replace(/^models\//, ''));
  return stream
    ? `/v1beta/models/${id}:streamGenerateContent?alt=sse`
    : `/v1beta/models/${id}:generateContent`;
}

/**
 * ChatRequest to a Gemini `generateContent` body (the same body for the streaming method).
 * Dropped on purpose: `user` (Gemini has no end-user field), `parallelToolCalls` (Gemini has no
 * switch for it), `includeUsage` (Gemini always reports usageMetadata), the tools' `strict` flag.
 */
export function toGeminiRequest(req: ChatRequest): GeminiRequest {
  const { contents, systemInstruction } = toGeminiConversation(req.messages, req.model);
  const tools = req.tools?.length ? [{ functionDeclarations: req.tools.map(declaration) }] : [];
  const toolConfig = req.toolChoice ? toToolConfig(req.toolChoice) : undefined;
  return {
    contents,
    ...(systemInstruction && { systemInstruction }),
    generationConfig: generationConfig(req),
    ...(tools.length > 0 && { tools }),
    ...(toolConfig && { toolConfig }),
  };
}

function generationConfig(req: ChatRequest): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {
    candidateCount: 1,
    temperature: req.temperature,
    topP: req.topP,
    maxOutputTokens: req.maxTokens,
    stopSequences: req.stop?.length ? req.stop : undefined,
    seed: req.seed,
    presencePenalty: req.presencePenalty,
    frequencyPenalty: req.frequencyPenalty,
    ...responseFormat(req.responseFormat),
  };
  return Object.fromEntries(
    Object.entries(config).filter(([, value]) => value !== undefined),
  ) as unknown as GeminiGenerationConfig;
}

/**
 * JSON modes: `application/json`, plus the schema as `responseJsonSchema`, which takes JSON Schema
 * as OpenAI-style callers write it (the older `responseSchema` takes an OpenAPI subset that rejects
 * e.g. `additionalProperties`).
 */
function responseFormat(format: ResponseFormat | undefined): Partial<GeminiGenerationConfig> {
  if (!format || format.type === 'text') return {};
  const schema = format.type === 'json_schema' ? format.jsonSchema.schema : undefined;
  return { responseMimeType: 'application/json', ...(schema && { responseJsonSchema: schema }) };
}

/** Parameters go as `parametersJsonSchema` (full JSON Schema) for the same reason as above. */
function declaration(tool: ToolDefinition): GeminiFunctionDeclaration {
  const { name, description, parameters } = tool.function;
  return {
    name,
    ...(description && { description }),
    ...(parameters && { parametersJsonSchema: parameters }),
  };
}

function toToolConfig(choice: ToolChoice): GeminiToolConfig {
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return {
    functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] },
  };
}
