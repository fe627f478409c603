/**
 * The tables as Kysely sees them. Both dialects store the same column types: text, integer, and
 * JSON as text, so one set of queries and one row mapping serve both.
 */
export interface ConversationsTable {
  id: string;
  owner: string;
  model: string | null;
  prompt_name: string | null;
  prompt_version: string | null;
  prompt_label: string | null;
  system: string | null;
  /** JSON object of strings */
  metadata: string;
  title: string | null;
  /** seq of the last message (0 when none); incremented in the append's transaction */
  last_seq: number;
  /** ISO 8601 UTC, fixed width, so text order is time order */
  created_at: string;
  updated_at: string;
}

export interface MessagesTable {
  conversation_id: string;
  seq: number;
  role: string;
  content: string | null;
  name: string | null;
  /** JSON array of ToolCall */
  tool_calls: string | null;
  tool_call_id: string | null;
  status: string;
  request_id: string | null;
  deployment: string | null;
  /** JSON Usage */
  usage: string | null;
  finish_reason: string | null;
  created_at: string;
}

export interface SummariesTable {
  hash: string;
  summary: string;
  created_at: string;
}

export interface ConversationDatabase {
  conversations: ConversationsTable;
  messages: MessagesTable;
  summaries: SummariesTable;
}
