import type { ChatRequest, FinishReason, ToolCall, ToolDefinition } from '@app/core';
import type { SimDirectives } from './directives';
import { generateFromSchema, generateJsonObject } from './json-schema';
import { createRng, type Rng } from './prng';
import { requestSeed } from './request-hash';
import { generateTextPieces } from './text';
import { countTextTokens } from './token-count';
import {
  joinPieces,
  sumTokens,
  tokenPieces,
  truncatePieces,
  truncateToTokens,
  type TokenPiece,
} from './token-pieces';
import { selectTools } from './tool-choice';

/** The reply as a list of token-sized units, the unit of streaming and pacing. */
export type ReplyUnit =
  | { kind: 'text'; text: string; tokens: number }
  | { kind: 'tool'; index: number; id: string; name: string; tokens: number }
  | { kind: 'args'; index: number; text: string; tokens: number };

export interface SimReply {
  content: string | null;
  toolCalls?: ToolCall[];
  finishReason: FinishReason;
  /** exactly the sum of the units' tokens */
  outputTokens: number;
  units: ReplyUnit[];
}

export interface ReplyOptions {
  seed: number;
  /** the request's maxTokens: every output is cut there (finish reason `length`) */
  maxTokens?: number;
  /**
   * without maxTokens: the longest free-text reply, made of whole sentences (finish reason
   * `stop`; cut only when a single sentence is longer); 0 = none. JSON and tool-call outputs
   * are shaped by their schema and not cut by it, as a real model is not cut without max_tokens.
   */
  defaultMaxTokens?: number;
  directives: SimDirectives;
}

/** natural reply length in tokens when nothing else decides it */
export const REPLY_MIN_TOKENS = 20;
export const REPLY_MAX_TOKENS = 120;

const textUnits = (pieces: TokenPiece[]): ReplyUnit[] =>
  pieces.map((piece) => ({ kind: 'text', text: piece.text, tokens: piece.tokens }));

function firstStop(text: string, stop: readonly string[] | undefined): number {
  let at = -1;
  for (const s of stop ?? []) {
    const i = s === '' ? -1 : text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at;
}

/** A text reply from its pieces: cut at the first stop sequence, then at the token cap. */
function textReply(pieces: TokenPiece[], req: ChatRequest, cap: number | undefined): SimReply {
  let kept = pieces;
  if (req.stop !== undefined && req.stop.length > 0) {
    const text = joinPieces(pieces);
    const stopAt = firstStop(text, req.stop);
    if (stopAt >= 0) kept = tokenPieces(text.slice(0, stopAt));
  }
  const cut = truncatePieces(kept, cap ?? Number.POSITIVE_INFINITY);
  return {
    content: cut.text,
    finishReason: cut.truncated ? 'length' : 'stop',
    outputTokens: sumTokens(cut.pieces),
    units: textUnits(cut.pieces),
  };
}

function toolReply(tools: ToolDefinition[], rng: Rng, cap: number | undefined): SimReply {
  const calls: ToolCall[] = tools.map((tool) => ({
    id: `call_${rng.hex(24)}`,
    type: 'function',
    function: {
      name: tool.function.name,
      arguments: JSON.stringify(
        generateFromSchema(tool.function.parameters ?? { type: 'object', properties: {} }, rng),
      ),
    },
  }));
  let budget = cap ?? Number.POSITIVE_INFINITY;
  let truncated = false;
  const units: ReplyUnit[] = [];
  const kept: ToolCall[] = [];
  for (const [index, call] of calls.entries()) {
    const nameTokens = countTextTokens(call.function.name);
    if (nameTokens > budget) {
      truncated = true;
      break;
    }
    budget -= nameTokens;
    units.push({ kind: 'tool', index, id: call.id, name: call.function.name, tokens: nameTokens });
    const args = truncateToTokens(call.function.arguments, budget);
    budget -= sumTokens(args.pieces);
    for (const piece of args.pieces) units.push({ kind: 'args', index, ...piece });
    kept.push({ ...call, function: { ...call.function, arguments: args.text } });
    if (args.truncated) {
      truncated = true;
      break;
    }
  }
  return {
    content: kept.length === 0 ? '' : null,
    toolCalls: kept.length === 0 ? undefined : kept,
    finishReason: truncated ? 'length' : 'tool_calls',
    outputTokens: units.reduce((sum, unit) => sum + unit.tokens, 0),
    units,
  };
}

/**
 * The simulated model: a pure function of the seed and the request (plus the reply-shaping
 * directives, which are part of the request's text). Returns `invalid` for requests an upstream
 * would reject with a 400.
 */
export function buildReply(
  req: ChatRequest,
  options: ReplyOptions,
): SimReply | { invalid: string } {
  const rng = createRng(requestSeed(req, options.seed));
  const cap = options.maxTokens;
  const selection = selectTools(req, options.directives.tool, rng);
  if ('invalid' in selection) return selection;
  if (selection.tools.length > 0) return toolReply(selection.tools, rng, cap);
  const format = req.responseFormat;
  if (format?.type === 'json_object' || format?.type === 'json_schema') {
    const schema = format.type === 'json_schema' ? format.jsonSchema.schema : undefined;
    const value = schema ? generateFromSchema(schema, rng) : generateJsonObject(rng);
    return textReply(tokenPieces(JSON.stringify(value)), req, cap);
  }
  const exact = options.directives.tokens;
  if (exact !== undefined) {
    const pieces = exact === 0 ? [] : generateTextPieces(rng, exact);
    return textReply(truncatePieces(pieces, exact).pieces, req, cap);
  }
  const target = rng.int(REPLY_MIN_TOKENS, REPLY_MAX_TOKENS);
  const bound =
    cap === undefined && options.defaultMaxTokens ? options.defaultMaxTokens : undefined;
  if (bound === undefined) return textReply(generateTextPieces(rng, target), req, cap);
  return textReply(generateTextPieces(rng, Math.min(target, bound), bound), req, bound);
}
