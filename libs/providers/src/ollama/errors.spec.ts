import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOllamaError } from './errors';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf-8'));

describe('parseOllamaError', () => {
  it('names a missing model', () => {
    expect(parseOllamaError(fixture('error-404-model.json'), 404)).toEqual({
      message: "model 'llama3.3:70b' not found",
      code: 'model_not_found',
    });
  });

  it('reports a prompt over the context window as context_length_exceeded', () => {
    expect(parseOllamaError(fixture('error-400-context.json'), 400).code).toBe(
      'context_length_exceeded',
    );
  });

  it('keeps the message of server failures without a code', () => {
    expect(parseOllamaError(fixture('error-500-runner.json'), 500)).toEqual({
      message: 'llama runner process has terminated: exit status 2',
      code: undefined,
    });
    expect(parseOllamaError(fixture('error-503-busy.json'), 503).message).toMatch(/server busy/);
  });

  it('copes with plain-text and empty bodies', () => {
    expect(parseOllamaError('404 page not found', 404).message).toBe('404 page not found');
    expect(parseOllamaError('', 502).message).toBe('HTTP 502');
    expect(parseOllamaError({ error: 42 }, 500).message).toBe('HTTP 500');
  });
});
