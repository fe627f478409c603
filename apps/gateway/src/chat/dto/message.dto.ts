/** An OpenAI chat message as it arrives (validated by chat-completion.schema.ts). */

export const MESSAGE_ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;

export interface FunctionCallDto {
  name: string;
  arguments: string;
}

export interface ToolCallDto {
  id: string;
  type: 'function';
  function: FunctionCallDto;
}

export interface TextPartWire {
  type: 'text';
  text: string;
}
export interface ImagePartWire {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}
export type ContentPartWire = TextPartWire | ImagePartWire;

export interface ChatMessageDto {
  role: (typeof MESSAGE_ROLES)[number];
  content?: string | ContentPartWire[] | null;
  name?: string;
  tool_calls?: ToolCallDto[];
  tool_call_id?: string;
}
