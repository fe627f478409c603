import { PromptRegistry } from './prompt-registry';
import { EXAMPLE_PROMPTS_DIR } from './testing/prompt-files';

describe('the example prompts in prompts/', () => {
  const registry = PromptRegistry.load({ dir: EXAMPLE_PROMPTS_DIR, random: () => 0 });
  const support = {
    company: 'Acme',
    product: 'the Acme Router X2',
    tone: 'friendly',
    message: 'It still drops the connection. Order #A-1042.',
  };

  it('all load', () => {
    expect(registry.list().map((prompt) => prompt.name)).toEqual([
      'classify-ticket',
      'summarize-conversation',
      'support-reply',
    ]);
  });

  describe('support-reply', () => {
    it('has versions, a production label and a weighted experiment', () => {
      const detail = registry.get('support-reply');
      expect(detail.versions.length).toBeGreaterThanOrEqual(2);
      expect(detail.labels.production).toBe(1);
      expect(detail.labels.experiment).toEqual({
        split: [
          { version: 1, weight: 90 },
          { version: 2, weight: 10 },
        ],
      });
      expect(registry.resolve('support-reply')).toMatchObject({ version: 1, label: 'production' });
    });

    it('v1 renders the system prompt from company, product and tone', () => {
      const rendered = registry.render('support-reply', { variables: support });
      expect(rendered.prompt).toMatchObject({
        name: 'support-reply',
        version: 1,
        label: 'production',
      });
      expect(rendered.route).toBe('smart');
      expect(rendered.messages[0].content).toContain('support agent for Acme');
      expect(rendered.messages[0].content).toContain('Write in a friendly tone.');
      expect(rendered.messages[1]).toEqual({ role: 'user', content: support.message });
    });

    it('v2 is conversation-aware', () => {
      const rendered = registry.render('support-reply', {
        label: 'staging',
        variables: {
          ...support,
          customer_name: 'Dana',
          history: [
            { role: 'customer', content: 'My router keeps rebooting.' },
            { role: 'agent', content: 'Please try firmware 2.1.' },
          ],
        },
      });
      expect(rendered.prompt).toMatchObject({ version: 2, label: 'staging' });
      expect(rendered.messages[1].content).toBe(
        [
          'Conversation so far:',
          'Customer: My router keeps rebooting.',
          'Agent: Please try firmware 2.1.',
          '',
          'Latest message from Dana:',
          support.message,
        ].join('\n'),
      );
      const first = registry.render('support-reply', { version: 2, variables: support });
      expect(first.messages[1].content).toBe(
        `Latest message from the customer:\n${support.message}`,
      );
    });

    it('refuses a tone it does not know', () => {
      expect(() =>
        registry.render('support-reply', { variables: { ...support, tone: 'rude' } }),
      ).toThrow(expect.objectContaining({ status: 400, param: 'variables.tone' }));
    });
  });

  describe('summarize-conversation', () => {
    const transcript = 'Customer: Order 55-12 is late.\nAgent: I will refund shipping by Friday.';

    it('summarises a transcript', () => {
      const rendered = registry.render('summarize-conversation', { variables: { transcript } });
      expect(rendered.messages[0].content).toContain('order numbers');
      expect(rendered.messages[0].content).toContain('commitment');
      expect(rendered.messages[1].content).toBe(`Summarise this conversation:\n${transcript}`);
      expect(rendered.parameters.temperature).toBe(0);
    });

    it('folds in the previous summary when there is one', () => {
      const rendered = registry.render('summarize-conversation', {
        variables: { transcript, previous_summary: 'Dana reported a late order.' },
      });
      expect(rendered.messages[1].content).toBe(
        `Summary of the conversation so far:\nDana reported a late order.\n\nUpdate that summary with these later turns:\n${transcript}`,
      );
      const blank = registry.render('summarize-conversation', {
        variables: { transcript, previous_summary: '' },
      });
      expect(blank.messages[1].content).toBe(`Summarise this conversation:\n${transcript}`);
    });

    it('needs a transcript', () => {
      expect(() => registry.render('summarize-conversation', { variables: {} })).toThrow(
        expect.objectContaining({ status: 400, param: 'variables.transcript' }),
      );
    });
  });

  describe('classify-ticket', () => {
    it('asks for strict JSON: category, priority, sentiment and a reason', () => {
      const rendered = registry.render('classify-ticket', {
        variables: { ticket: 'I was charged twice!', subject: 'Double charge' },
      });
      expect(rendered.messages[1].content).toBe('Subject: Double charge\nI was charged twice!');
      expect(rendered.responseFormat).toMatchObject({
        type: 'json_schema',
        jsonSchema: {
          name: 'ticket_classification',
          strict: true,
          schema: {
            type: 'object',
            required: ['category', 'priority', 'sentiment', 'reason'],
            additionalProperties: false,
            properties: {
              category: { enum: ['billing', 'shipping', 'technical', 'account', 'other'] },
              priority: { enum: ['urgent', 'high', 'normal', 'low'] },
            },
          },
        },
      });
    });

    it('works without a subject', () => {
      const rendered = registry.render('classify-ticket', { variables: { ticket: 'Hi' } });
      expect(rendered.messages[1].content).toBe('Hi');
    });
  });
});
