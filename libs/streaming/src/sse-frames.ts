/** Server-Sent Events framing (OpenAI style: unnamed `data:` events, `[DONE]` terminator). */

export function sseData(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

/** A named event, as browser EventSource clients and Anthropic framing use. */
export function sseEvent(event: string, payload: unknown): string {
  return `event: ${event}\n${sseData(payload)}`;
}

/** A comment line: ignored by every SSE client, keeps proxies and load balancers from timing out. */
export const SSE_HEARTBEAT = ': keep-alive\n\n';

export const SSE_DONE = 'data: [DONE]\n\n';
