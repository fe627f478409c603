/** Provider-neutral chat types. Field names are camelCase; wire formats live in @app/providers. */

export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image_url';
  imageUrl: { url: string; detail?: 'auto' | 'low' | 'high' };
}

export type ContentPart = TextPart | ImagePart;

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface Message {
  role: Role;
  /** null only for an assistant turn that carries tool calls and no text. */
  content: string | ContentPart[] | null;
  name?: string;
  /** assistant turns: the tools the model asked for */
  toolCalls?: ToolCall[];
  /** tool turns: the call this message answers */
  toolCallId?: string;
}

/** JSON Schema object, kept opaque: it is forwarded, never interpreted by the core. */
export type JsonSchema = Record<string, unknown>;

export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: JsonSchema; strict?: boolean };
}

export type ToolChoice =
  'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      jsonSchema: { name: string; description?: string; schema?: JsonSchema; strict?: boolean };
    };

/** The text of a message, with image parts left out. */
export function messageText(message: Pick<Message, 'content'>): string {
  if (message.content === null) return '';
  if (typeof message.content === 'string') return message.content;
  return message.content
    .filter((part): part is TextPart => part.type === 'text')
    .map((part) => part.text)
    .join('');
}
