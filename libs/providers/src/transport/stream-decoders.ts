import { createParser, type EventSourceParser } from 'eventsource-parser';

/** One upstream stream event: an SSE event (`event` is its name) or one NDJSON line. */
export interface WireEvent {
  event?: string;
  data: string;
}

/** Turns raw bytes, split anywhere (also inside a UTF-8 sequence), into whole wire events. */
export interface StreamDecoder {
  push(bytes: Uint8Array, emit: (event: WireEvent) => void): void;
  /** end of input: flushes a last unterminated NDJSON line */
  end(emit: (event: WireEvent) => void): void;
}

export type StreamFraming = 'sse' | 'ndjson';

export function createStreamDecoder(framing: StreamFraming): StreamDecoder {
  return framing === 'sse' ? new SseDecoder() : new NdjsonDecoder();
}

class SseDecoder implements StreamDecoder {
  private readonly text = new TextDecoder('utf-8');
  private emit: (event: WireEvent) => void = () => undefined;
  private readonly parser: EventSourceParser = createParser({
    onEvent: (event) => this.emit({ event: event.event, data: event.data }),
  });

  push(bytes: Uint8Array, emit: (event: WireEvent) => void): void {
    this.emit = emit;
    this.parser.feed(this.text.decode(bytes, { stream: true }));
  }

  end(emit: (event: WireEvent) => void): void {
    this.emit = emit;
    const rest = this.text.decode();
    if (rest) this.parser.feed(rest);
    // An event without its terminating blank line was never completed: it is dropped, as browsers do.
  }
}

class NdjsonDecoder implements StreamDecoder {
  private readonly text = new TextDecoder('utf-8');
  private buffer = '';

  push(bytes: Uint8Array, emit: (event: WireEvent) => void): void {
    this.buffer += this.text.decode(bytes, { stream: true });
    let newline = this.buffer.indexOf('\n');
    while (newline !== -1) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line) emit({ data: line });
      newline = this.buffer.indexOf('\n');
    }
  }

  end(emit: (event: WireEvent) => void): void {
    const line = (this.buffer + this.text.decode()).trim();
    this.buffer = '';
    if (line) emit({ data: line });
  }
}
