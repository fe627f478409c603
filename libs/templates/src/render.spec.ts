import { GatewayError } from '@app/core';
import { PromptRegistry } from './prompt-registry';
import { makePromptsDir, removeDir } from './testing/prompt-files';

const NOTE = [
  'description: Writes a note to a customer.',
  'route: fast',
  'parameters: { temperature: 0.5, stop: END }',
  'variables:',
  '  type: object',
  '  properties:',
  '    company: { type: string, minLength: 1 }',
  '    note: { type: string }',
  '    customer:',
  '      type: object',
  '      properties:',
  '        name: { type: string }',
  '        tier: { type: string, enum: [free, pro] }',
  '      required: [name]',
  '      additionalProperties: false',
  '    items: { type: array, items: { type: string }, maxItems: 3 }',
  '    signature: { type: string }',
  '  required: [company, note, customer]',
  'messages:',
  '  - role: system',
  '    content: |',
  '      You write for {{ company }}.',
  '  - role: user',
  '    content: |',
  '      Dear {{ customer.name }}{% if customer.tier == "pro" %} (pro){% endif %},',
  '      {{ note }}',
  '      {% for item in items %}- {{ item }}',
  '      {% endfor %}',
  '  - role: assistant',
  "    content: '{{ signature }}'",
  '',
].join('\n');

describe('PromptRegistry.render', () => {
  let dir: string;
  let registry: PromptRegistry;
  const base = { company: 'Acme', note: 'Thanks!', customer: { name: 'Ann' }, items: [] };

  beforeAll(() => {
    dir = makePromptsDir({
      'note/v1.yaml': NOTE,
      'plain/v1.yaml':
        'description: No variables.\nroute: fast\nmessages: [{ role: user, content: Hi }]\n',
    });
    registry = PromptRegistry.load({ dir });
  });

  afterAll(() => removeDir(dir));

  function render(variables: Record<string, unknown>) {
    return registry.render('note', { variables });
  }

  function renderError(variables: unknown): GatewayError {
    try {
      registry.render('note', { variables: variables as Record<string, unknown> });
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayError);
      return error as GatewayError;
    }
    throw new Error('render did not fail');
  }

  it('renders every message with string content, trimmed, and returns route and parameters', () => {
    const rendered = render({
      ...base,
      items: ['a', 'b'],
      customer: { name: 'Ann', tier: 'pro' },
      signature: 'Bo',
    });
    expect(rendered).toEqual({
      prompt: { name: 'note', version: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      route: 'fast',
      parameters: { temperature: 0.5, stop: ['END'] },
      messages: [
        { role: 'system', content: 'You write for Acme.' },
        { role: 'user', content: 'Dear Ann (pro),\nThanks!\n- a\n- b' },
        { role: 'assistant', content: 'Bo' },
      ],
    });
  });

  it('gives each caller its own parameters object', () => {
    const first = render({ ...base, signature: 'x' });
    first.parameters.stop?.push('MUTATED');
    first.parameters.temperature = 2;
    expect(render({ ...base, signature: 'x' }).parameters).toEqual({
      temperature: 0.5,
      stop: ['END'],
    });
  });

  it('renders a prompt without variables', () => {
    expect(registry.render('plain').messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  describe('variables', () => {
    it('a missing required variable is a 400 naming it', () => {
      const error = renderError({ note: 'x', customer: { name: 'A' } });
      expect(error).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        param: 'variables.company',
      });
      expect(error.message).toContain('variables.company');
    });

    it('a missing nested field is a 400 naming its path', () => {
      expect(renderError({ ...base, customer: {} })).toMatchObject({
        status: 400,
        param: 'variables.customer.name',
      });
    });

    it('a variable the schema does not declare is a 400 naming it', () => {
      const error = renderError({ ...base, signature: 'x', coupon: 'FREE' });
      expect(error).toMatchObject({ status: 400, param: 'variables.coupon' });
      expect(error.message).toContain('variables.coupon is not declared by prompt note v1');
    });

    it('a value the schema refuses is a 400 naming the first failing path', () => {
      expect(renderError({ ...base, customer: { name: 'A', tier: 'gold' } })).toMatchObject({
        status: 400,
        param: 'variables.customer.tier',
        message: expect.stringContaining('must be one of "free", "pro"'),
      });
      expect(renderError({ ...base, items: ['a', 2] })).toMatchObject({
        param: 'variables.items[1]',
      });
      expect(renderError({ ...base, company: '' })).toMatchObject({ param: 'variables.company' });
      expect(renderError({ ...base, items: ['a', 'b', 'c', 'd'] })).toMatchObject({
        param: 'variables.items',
      });
    });

    it('variables must be an object', () => {
      for (const bad of [[], 'x', 3]) {
        expect(renderError(bad)).toMatchObject({ status: 400, param: 'variables' });
      }
    });

    it('an optional variable that is not set, used outside `if`, is a 400 naming it', () => {
      const error = renderError(base);
      expect(error).toMatchObject({ status: 400, param: 'variables.signature' });
      expect(error.message).toContain('signature is not set');
    });

    it("does not change the caller's variables object", () => {
      const variables = { ...base, signature: 's', customer: { name: 'A' } };
      const copy = structuredClone(variables);
      render(variables);
      expect(variables).toEqual(copy);
    });
  });

  describe('variable values are data, never template code', () => {
    const attempts = [
      '{{ company }}',
      '{{ company | upcase }}',
      '{% raw %}{{ x }}{% endraw %}',
      '{% if true %}yes{% endif %}',
      "{% assign company = 'Evil' %}{{ company }}",
      "{% include '/etc/passwd' %}",
      '{{ customer.constructor }}',
      '}}{{ company }}{{',
    ];

    it.each(attempts)('%s renders literally', (value) => {
      const rendered = render({ ...base, note: value, signature: value, items: [value] });
      expect(rendered.messages[1].content).toBe(`Dear Ann,\n${value}\n- ${value}`);
      expect(rendered.messages[2].content).toBe(value);
      expect(rendered.messages[0].content).toBe('You write for Acme.');
    });

    it('templates do not reach prototypes', () => {
      const dir2 = makePromptsDir({
        'p/v1.yaml': [
          'description: x',
          'route: fast',
          'variables: { type: object, properties: { o: { type: object } }, required: [o] }',
          "messages: [{ role: user, content: '{{ o.constructor }}' }]",
        ].join('\n'),
      });
      try {
        const other = PromptRegistry.load(dir2);
        expect(() => other.render('p', { variables: { o: {} } })).toThrow(
          /o\.constructor is not set/,
        );
      } finally {
        removeDir(dir2);
      }
    });
  });

  it('does not escape HTML', () => {
    const rendered = render({ ...base, note: '<b>Tom & "Jerry"</b> \'s', signature: '&amp;' });
    expect(rendered.messages[1].content).toContain('<b>Tom & "Jerry"</b> \'s');
    expect(rendered.messages[2].content).toBe('&amp;');
  });

  it('an unknown prompt is a 404 prompt_not_found', () => {
    expect(() => registry.render('nope', { variables: {} })).toThrow(
      expect.objectContaining({ status: 404, type: 'not_found_error', code: 'prompt_not_found' }),
    );
  });
});
