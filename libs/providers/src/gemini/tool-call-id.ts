/**
 * Tool-call ids for Gemini. Gemini 2.x sends no ids, so calls get `call_<n>` (n = the call's position
 * in the answer); when Gemini sends an `id` it is used. Gemini 3 attaches a `thoughtSignature` to the
 * function calls it makes and rejects (400) a history whose function calls lack it; the neutral
 * ToolCall has no field for it, so it rides in the id the caller echoes back
 * (`<id>__thought__<signature>`, the convention LiteLLM uses too), and is split off again on the way
 * out.
 */

const SIGNATURE_SEPARATOR = '__thought__';
const SYNTHETIC_ID = /^call_\d+$/;

/**
 * Google's documented placeholder for function calls that Gemini 3 did not sign (a history from
 * another model or provider, or a client that dropped the id suffix); base64 of the sentinel bytes.
 */
export const SKIP_THOUGHT_SIGNATURE = Buffer.from('skip_thought_signature_validator').toString(
  'base64',
);

export function toolCallId(index: number, wireId?: string, signature?: string): string {
  const id = wireId || `call_${index}`;
  return signature ? `${id}${SIGNATURE_SEPARATOR}${signature}` : id;
}

export interface SplitToolCallId {
  /** the id to send back to Gemini; undefined for ids the gateway made up */
  wireId?: string;
  signature?: string;
}

export function splitToolCallId(id: string): SplitToolCallId {
  const at = id.indexOf(SIGNATURE_SEPARATOR);
  const base = at === -1 ? id : id.slice(0, at);
  const signature = at === -1 ? undefined : id.slice(at + SIGNATURE_SEPARATOR.length) || undefined;
  return { wireId: base && !SYNTHETIC_ID.test(base) ? base : undefined, signature };
}

/** Gemini 3 and later validate thought signatures on function calls in the history. */
export function requiresThoughtSignatures(model: string): boolean {
  const match = /(?:^|\/)gemini-(\d+)/i.exec(model);
  return match !== null && Number(match[1]) >= 3;
}
