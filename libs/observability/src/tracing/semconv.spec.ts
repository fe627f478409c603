import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import * as copied from './semconv';

/** The names copied into semconv.ts are the conventions' own (of the pinned package version). */
describe('semantic convention names', () => {
  const exported = Object.entries(copied).filter(
    ([name]) => name.startsWith('ATTR_') || name.startsWith('GEN_AI_'),
  );

  it('copies at least the GenAI names the spans use', () => {
    expect(exported.length).toBeGreaterThanOrEqual(20);
  });

  it.each(exported)('%s equals the package constant', (name, value) => {
    expect((incubating as Record<string, unknown>)[name]).toBe(value);
  });

  it('maps provider types to the conventions values, lower-case names otherwise', () => {
    expect(copied.genAiProviderName('azure-openai')).toBe(
      incubating.GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI,
    );
    expect(copied.genAiProviderName('gemini')).toBe(
      incubating.GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
    );
    expect(copied.genAiProviderName('some-new-type')).toBe('some_new_type');
  });
});
