import { PromptRegistry } from './prompt-registry';
import { TemplateLoadError } from './template-load-error';
import { makePromptsDir, removeDir, versionYaml } from './testing/prompt-files';

const dirs: string[] = [];

afterAll(() => dirs.forEach(removeDir));

/** Loads a prompts dir made of `files` and returns the TemplateLoadError it must throw. */
function loadError(files: Record<string, string>): TemplateLoadError {
  const dir = makePromptsDir(files);
  dirs.push(dir);
  try {
    PromptRegistry.load({ dir });
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateLoadError);
    return error as TemplateLoadError;
  }
  throw new Error('the load did not fail');
}

/** a version file whose messages are given as YAML lines (starting at line 9) */
function withMessages(...lines: string[]): string {
  return [
    'description: Test.', // 1
    'route: fast', // 2
    'variables:', // 3
    '  type: object', // 4
    '  properties:', // 5
    '    name: { type: string }', // 6
    '  required: [name]', // 7
    'messages:', // 8
    ...lines,
    '',
  ].join('\n');
}

describe('load errors name the file (relative to the prompts dir) and the line', () => {
  it('a YAML syntax error', () => {
    const error = loadError({ 'greet/v1.yaml': 'description: x\nroute: [fast\nmessages: []\n' });
    expect(error.issues[0]).toMatchObject({ file: 'greet/v1.yaml', line: 3 });
    expect(error.message).toContain('greet/v1.yaml:3');
    expect(error.message).toContain('YAML syntax error');
  });

  it('a broken version is reported once, not again by the labels that name it', () => {
    const error = loadError({
      'greet/v1.yaml': withMessages('  - role: user', "    content: 'Hi {{ nope }}'"),
      'greet/v2.yaml': versionYaml(),
      'greet/labels.yaml':
        'production: 1\nsplit:\n  split: [{ version: 1, weight: 1 }, { version: 2, weight: 1 }]\n',
    });
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ file: 'greet/v1.yaml', line: 10 });
    expect(error.message).not.toContain('labels.yaml');
  });

  it('a duplicate key', () => {
    const error = loadError({ 'greet/v1.yaml': versionYaml() + 'route: smart\n' });
    expect(error.message).toMatch(
      /greet\/v1\.yaml:13:1: YAML syntax error: Map keys must be unique/,
    );
  });

  it('an unknown field', () => {
    const error = loadError({ 'greet/v1.yaml': 'temprature: 1\n' + versionYaml() });
    expect(error.issues).toContainEqual(
      expect.objectContaining({ file: 'greet/v1.yaml', line: 1, path: 'temprature' }),
    );
    expect(error.message).toContain('greet/v1.yaml:1:1: temprature: unknown field');
  });

  it('a missing required field', () => {
    const error = loadError({ 'greet/v1.yaml': versionYaml().replace('route: fast\n', '') });
    expect(error.message).toContain('greet/v1.yaml:1:1: route: is required');
  });

  it('a bad role', () => {
    const error = loadError({
      'greet/v1.yaml': withMessages(
        '  - role: system',
        '    content: hi',
        '  - role: tool',
        '    content: hi',
      ),
    });
    expect(error.message).toContain('greet/v1.yaml:11:5: messages[1].role: must be one of system');
  });

  it('an unknown field in a message', () => {
    const error = loadError({
      'greet/v1.yaml': withMessages('  - role: user', '    name: bob', '    content: hi'),
    });
    expect(error.message).toContain('greet/v1.yaml:10:5: messages[0].name: unknown field');
  });

  it('a bad parameter', () => {
    const text = versionYaml().replace(
      'route: fast\n',
      'route: fast\nparameters:\n  temperature: 3\n  stop: []\n',
    );
    const error = loadError({ 'greet/v1.yaml': text });
    expect(error.message).toContain(
      'greet/v1.yaml:4:3: parameters.temperature: must be a number from 0 to 2',
    );
    expect(error.message).toContain('greet/v1.yaml:5:3: parameters.stop');
  });

  it('a Liquid syntax error, at its line inside a literal block', () => {
    const error = loadError({
      'greet/v1.yaml': withMessages(
        '  - role: user', // 9
        '    content: |', // 10
        '      Hello {{ name }}', // 11
        '      {% if name %}', // 12
        '      {{ name', // 13
      ),
    });
    expect(error.issues[0]).toMatchObject({ file: 'greet/v1.yaml', line: 13 });
    expect(error.message).toContain('greet/v1.yaml:13: messages[0].content: Liquid syntax error');
  });

  it('a Liquid syntax error in a quoted one-line template', () => {
    const error = loadError({
      'greet/v1.yaml': withMessages('  - role: user', "    content: 'Hi {% endif %}'"),
    });
    expect(error.message).toContain('greet/v1.yaml:10');
    expect(error.message).toContain('Liquid syntax error');
  });

  it('an unknown filter', () => {
    const error = loadError({
      'greet/v1.yaml': withMessages('  - role: user', '    content: |', '      {{ name | shout }}'),
    });
    expect(error.message).toContain('greet/v1.yaml:11');
    expect(error.message).toContain('undefined filter: shout');
  });

  it('include, render and layout cannot read files', () => {
    for (const tag of ["include '/etc/passwd'", "render '/etc/passwd'", "layout '/etc/passwd'"]) {
      const error = loadError({
        'greet/v1.yaml': withMessages('  - role: user', '    content: |', `      {% ${tag} %}`),
      });
      expect(error.message).toContain('greet/v1.yaml:11');
      expect(error.message).toMatch(/tag "(include|render|layout)" not found/);
      expect(error.message).not.toContain('root:');
    }
  });

  it('an undeclared variable, at the line that reads it', () => {
    const error = loadError({
      'greet/v1.yaml': withMessages(
        '  - role: system', // 9
        '    content: Be brief.', // 10
        '  - role: user', // 11
        '    content: |', // 12
        '      Hello {{ name }},', // 13
        '      your order {{ order_id }} shipped.', // 14
      ),
    });
    expect(error.issues).toHaveLength(1);
    expect(error.message).toContain(
      "greet/v1.yaml:14: messages[1].content: undeclared variable 'order_id'",
    );
  });

  it('an undeclared variable in a tag and in a filter argument', () => {
    for (const content of ['{% if vip %}x{% endif %}', '{{ name | append: suffix }}']) {
      const error = loadError({
        'greet/v1.yaml': withMessages('  - role: user', `    content: '${content}'`),
      });
      expect(error.message).toMatch(/greet\/v1\.yaml:10:\d+: .*undeclared variable '(vip|suffix)'/);
    }
  });

  it('an undeclared nested field of a declared object', () => {
    const text = [
      'description: Test.',
      'route: fast',
      'variables:',
      '  type: object',
      '  properties:',
      '    customer:',
      '      type: object',
      '      properties: { name: { type: string } }',
      '      additionalProperties: false',
      'messages:',
      '  - role: user',
      '    content: |',
      '      {{ customer.name }} {{ customer.size }}',
      '      {{ customer.nmae }}',
    ].join('\n');
    const error = loadError({ 'greet/v1.yaml': text });
    expect(error.issues).toHaveLength(1);
    expect(error.message).toContain(
      "greet/v1.yaml:14: messages[0].content: 'customer.nmae' is not declared",
    );
  });

  it('a variables schema that is not a JSON Schema of type object', () => {
    const text = versionYaml().replace('  type: object\n', '  type: array\n');
    expect(loadError({ 'greet/v1.yaml': text }).message).toContain(
      'greet/v1.yaml:4:3: variables.type: must be object',
    );
  });

  it('an invalid variables schema (ajv strict mode: unknown keyword)', () => {
    const text = versionYaml().replace(
      '{ type: string, minLength: 1 }',
      '{ type: string, minLenght: 1 }',
    );
    const error = loadError({ 'greet/v1.yaml': text });
    expect(error.message).toContain('greet/v1.yaml:3:1: variables: invalid JSON Schema');
    expect(error.message).toContain('minLenght');
  });

  it('a variable name Liquid cannot read', () => {
    const text = versionYaml().replace('    name: {', '    empty: { type: string }\n    name: {');
    expect(loadError({ 'greet/v1.yaml': text }).message).toContain(
      'greet/v1.yaml:6:5: variables.properties.empty: variable name is reserved by Liquid',
    );
  });

  it('a strict responseFormat schema that breaks strict mode', () => {
    const text =
      versionYaml() +
      [
        'responseFormat:', // 13
        '  type: json_schema',
        '  jsonSchema:',
        '    name: answer',
        '    strict: true',
        '    schema:', // 18
        '      type: object',
        '      properties: { a: { type: string }, b: { type: number } }',
        '      required: [a]',
      ].join('\n');
    const error = loadError({ 'greet/v1.yaml': text });
    expect(error.message).toContain(
      'greet/v1.yaml:18:5: responseFormat.jsonSchema.schema: strict mode: set additionalProperties: false',
    );
    expect(error.message).toContain('every property must be required (missing: b)');
  });

  it('a bad responseFormat type and schema name', () => {
    const text =
      versionYaml() + 'responseFormat: { type: json_schema, jsonSchema: { name: "a b" } }\n';
    expect(loadError({ 'greet/v1.yaml': text }).message).toContain(
      'greet/v1.yaml:13:52: responseFormat.jsonSchema.name: must be 1-64 letters',
    );
    const other = versionYaml() + 'responseFormat: { type: xml }\n';
    expect(loadError({ 'greet/v1.yaml': other }).message).toContain(
      'greet/v1.yaml:13:19: responseFormat.type: must be one of text, json_object, json_schema',
    );
  });

  it('a label naming a missing version', () => {
    const error = loadError({
      'greet/v1.yaml': versionYaml(),
      'greet/labels.yaml': 'production: 1\nstaging: 2\n',
    });
    expect(error.message).toContain(
      'greet/labels.yaml:2:1: staging: version 2 does not exist (versions: 1)',
    );
  });

  it('a split with a non-positive weight, a missing version or a repeated version', () => {
    const error = loadError({
      'greet/v1.yaml': versionYaml(),
      'greet/v2.yaml': versionYaml(),
      'greet/labels.yaml': [
        'experiment:',
        '  split:',
        '    - { version: 1, weight: 0 }',
        '    - { version: 3, weight: 10 }',
        '    - { version: 2, weight: 5 }',
        '    - { version: 2, weight: 5 }',
        'empty: { split: [] }',
        'typo: { spilt: [] }',
      ].join('\n'),
    });
    expect(error.message).toContain(
      'greet/labels.yaml:3:21: experiment.split[0].weight: must be a positive number',
    );
    expect(error.message).toContain(
      'greet/labels.yaml:4:9: experiment.split[1].version: version 3 does not exist',
    );
    expect(error.message).toContain(
      'greet/labels.yaml:6:9: experiment.split[3].version: version 2 is already in this split',
    );
    expect(error.message).toContain(
      'greet/labels.yaml:7:10: empty.split: must be a non-empty list',
    );
    expect(error.message).toContain('greet/labels.yaml:8:9: typo.spilt: unknown field');
    expect(error.message).toContain('greet/labels.yaml:8:1: typo.split: is required');
    expect(error.issues).toHaveLength(6);
  });

  it('a label that is not a version number', () => {
    const error = loadError({
      'greet/v1.yaml': versionYaml(),
      'greet/labels.yaml': 'production: latest\n',
    });
    expect(error.message).toContain(
      'greet/labels.yaml:1:1: production: must be a version number or { split: [...] }',
    );
  });

  it('an empty prompt folder, or one with only labels', () => {
    expect(loadError({ 'greet/.keep': '' }).message).toContain('greet/: no version files');
    expect(loadError({ 'greet/labels.yaml': '' }).message).toContain('greet/: no version files');
  });

  it('a YAML file that is not v<N>.yaml or labels.yaml', () => {
    for (const name of ['v0.yaml', 'v01.yaml', 'v1.yml', 'V2.yaml', 'label.yaml']) {
      const error = loadError({ 'greet/v1.yaml': versionYaml(), [`greet/${name}`]: versionYaml() });
      expect(error.message).toContain(`greet/${name}: not a prompt file`);
    }
  });

  it('a bad prompt folder name', () => {
    expect(loadError({ 'Greet Me/v1.yaml': versionYaml() }).message).toContain(
      'Greet Me/: prompt folder names are 1-64 lowercase letters',
    );
  });

  it('a version file that is not a mapping', () => {
    expect(loadError({ 'greet/v1.yaml': '- a\n- b\n' }).message).toContain(
      'greet/v1.yaml:1:1: (root): must be a mapping',
    );
    expect(loadError({ 'greet/v1.yaml': '' }).message).toContain(
      'greet/v1.yaml: (root): must be a mapping',
    );
  });

  it('a missing prompts directory', () => {
    expect(() => PromptRegistry.load({ dir: '/nonexistent/prompts' })).toThrow(
      /cannot read the prompts directory: ENOENT/,
    );
  });

  it('lists every problem of every prompt, not just the first', () => {
    const error = loadError({
      'a/v1.yaml': versionYaml().replace('route: fast', 'route: 42'),
      'b/v1.yaml': versionYaml().replace("'Hello {{ name }}'", "'{{ nope }}'"),
      'c/v1.yaml': versionYaml(),
    });
    expect(error.issues.map((issue) => issue.file)).toEqual(['a/v1.yaml', 'b/v1.yaml']);
    expect(error.message).toContain('(2 problems)');
  });
});
