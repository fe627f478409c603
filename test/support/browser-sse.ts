import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * A browser-style SSE client: what a frontend does to stream a POST (EventSource only does GET).
 * `fetch` (Node's undici, the same API as browsers'), `response.body` read as a ReadableStream,
 * decoded with TextDecoder and parsed with eventsource-parser; `AbortController` to go away.
 */

export interface BrowserSseEvent {
  /** the event name (`message` when the frame has none, as EventSource does) */
  event: string;
  /** the raw data */
  data: string;
  /** the data parsed as JSON (undefined when it is not JSON) */
  json: unknown;
}

export interface BrowserSseResult {
  status: number;
  headers: Headers;
  /** the named events in arrival order (empty when the response was not an event stream) */
  events: BrowserSseEvent[];
  /** comment lines (heartbeats) */
  comments: string[];
  /** the parsed JSON body when the response was not an event stream (an HTTP error) */
  body?: unknown;
  /** true when the client aborted the stream itself (`onEvent` returned 'abort') */
  aborted: boolean;
}

export interface BrowserSseOptions {
  headers?: Record<string, string>;
  /** called for every event as it arrives; return 'abort' to go away as a closed browser tab would */
  onEvent?: (event: BrowserSseEvent, index: number) => 'abort' | void;
}

/** POSTs `body` as JSON and reads the response as a browser would: to the end, or until aborted. */
export async function postEventStream(
  url: string,
  body: unknown,
  options: BrowserSseOptions = {},
): Promise<BrowserSseResult> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...options.headers,
    },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  const result: BrowserSseResult = {
    status: response.status,
    headers: response.headers,
    events: [],
    comments: [],
    aborted: false,
  };
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    result.body = parseJson(await response.text());
    return result;
  }
  const parser = createParser({
    onEvent: (message: EventSourceMessage) => {
      const event: BrowserSseEvent = {
        event: message.event ?? 'message',
        data: message.data,
        json: parseJson(message.data),
      };
      result.events.push(event);
      if (options.onEvent?.(event, result.events.length - 1) === 'abort') {
        result.aborted = true;
        controller.abort();
      }
    },
    onComment: (comment) => result.comments.push(comment.trim()),
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      if (result.aborted) break;
    }
  } catch (error) {
    if (!result.aborted) throw error;
  } finally {
    if (result.aborted) await reader.cancel().catch(() => undefined);
  }
  return result;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
