import type { ToolDefinition } from '@app/core';
import {
  formatFunctionDefinitions,
  type ChatCompletionFunctionDefinition,
} from 'gpt-tokenizer/functionCalling';
import { SAMPLE_TOOLS } from '../testing/sample-tools';
import { formatToolDefinitions } from './tool-definitions';

describe('formatToolDefinitions', () => {
  it('renders exactly what gpt-tokenizer renders for the same functions', () => {
    const functions = SAMPLE_TOOLS.map(
      (tool) => tool.function as unknown as ChatCompletionFunctionDefinition,
    );
    expect(formatToolDefinitions(SAMPLE_TOOLS)).toBe(formatFunctionDefinitions(functions));
  });

  it('renders the OpenAI namespace form', () => {
    const text = formatToolDefinitions([SAMPLE_TOOLS[1]]);
    expect(text).toBe(
      'namespace functions {\n\ntype ping = () => any;\n\n} // namespace functions',
    );
  });

  it('tolerates schemas that are not objects of known shapes', () => {
    const odd: ToolDefinition = {
      type: 'function',
      function: {
        name: 'odd',
        parameters: {
          type: 'object',
          properties: { a: 'not-a-schema', b: { enum: 3 } },
          required: 'a',
        },
      },
    };
    expect(formatToolDefinitions([odd])).toContain('a?: any,\nb?: any,');
  });
});
