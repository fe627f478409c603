/** What the output checks found in an answer (paper 7.3). Absent fields: not found / not checked. */
export interface QualityReport {
  /** no text, no tool call and no refusal */
  empty?: boolean;
  /** stopped at the output limit (`finish_reason: length`) */
  truncated?: boolean;
  /** the model refused */
  refusal?: boolean;
  /**
   * `response_format` json_schema: the output matched (`valid`), matched after the repair
   * attempt(s) (`repaired`), or still did not (`invalid`)
   */
  schema?: 'valid' | 'repaired' | 'invalid';
  /** repair attempts made */
  repairs?: number;
  /** the answer went out flagged instead of failing (the route's `onSchemaFailure: flag`) */
  flagged?: boolean;
}
