import type { ToolDefinition } from '@app/core';

/** Tool definitions covering every schema shape the function renderer knows. */
export const SAMPLE_TOOLS: ToolDefinition[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: {
        type: 'object',
        required: ['location'],
        properties: {
          location: { type: 'string', description: 'City and country' },
          unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
          days: { type: 'integer', minimum: 1, maximum: 7 },
          hourly: { type: 'boolean' },
          tags: { type: 'array', items: { type: 'string' } },
          anything: { type: 'array' },
          nothing: { type: 'null' },
          level: { type: 'number', enum: [1, 2, 3] },
          filter: {
            type: 'object',
            description: 'nested filter',
            properties: {
              min: { type: 'number', description: 'not shown below the first level' },
              deep: { type: 'object', properties: { x: { type: 'string' } } },
            },
          },
          union: { type: ['string', 'null'] },
        },
      },
    },
  },
  { type: 'function', function: { name: 'ping' } },
  {
    type: 'function',
    function: { name: 'no_props', description: 'empty', parameters: { type: 'object' } },
  },
];
