import { request } from 'node:http';

export interface RawSseResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** the body as received */
  text: string;
  /** parsed `data:` payloads, `[DONE]` kept as the string */
  events: unknown[];
  comments: string[];
}

/** POSTs JSON and reads the whole response as raw SSE (no SDK in between). */
export function postSse(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<RawSseResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf-8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, ...parseSse(text) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

export function parseSse(text: string): { events: unknown[]; comments: string[] } {
  const events: unknown[] = [];
  const comments: string[] = [];
  for (const block of text.split('\n\n')) {
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      if (line.startsWith('data: ')) {
        const data = line.slice(6);
        events.push(data === '[DONE]' ? data : JSON.parse(data));
      }
    }
  }
  return { events, comments };
}
