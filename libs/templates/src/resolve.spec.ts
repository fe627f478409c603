import { PromptRegistry } from './prompt-registry';
import { pickVersion, stickyUnit } from './split';
import { makePromptsDir, removeDir, versionYaml } from './testing/prompt-files';

const LABELS = [
  'production: 2',
  'staging: 3',
  'experiment:',
  '  split: [{ version: 2, weight: 90 }, { version: 3, weight: 10 }]',
  'thirds:',
  '  split: [{ version: 1, weight: 1 }, { version: 2, weight: 1 }, { version: 3, weight: 1 }]',
  '',
].join('\n');

describe('PromptRegistry.resolve', () => {
  let dir: string;
  let registry: PromptRegistry;
  let randomValue = 0;

  beforeAll(() => {
    dir = makePromptsDir({
      'greet/v1.yaml': versionYaml({ description: 'one' }),
      'greet/v2.yaml': versionYaml({ description: 'two' }),
      'greet/v3.yaml': versionYaml({ description: 'three' }),
      'greet/labels.yaml': LABELS,
      'bare/v1.yaml': versionYaml(),
      'bare/v7.yaml': versionYaml(),
    });
    registry = PromptRegistry.load({ dir, random: () => randomValue });
  });

  afterAll(() => removeDir(dir));

  const versionOf = (selector: Parameters<PromptRegistry['resolve']>[1]) =>
    registry.resolve('greet', selector).version;

  it('an explicit version wins', () => {
    const resolved = registry.resolve('greet', { version: 1 });
    expect(resolved).toMatchObject({
      name: 'greet',
      version: 1,
      description: 'one',
      route: 'fast',
    });
    expect(resolved.label).toBeUndefined();
  });

  it('a label names its version', () => {
    expect(registry.resolve('greet', { label: 'staging' })).toMatchObject({
      version: 3,
      label: 'staging',
    });
  });

  it('with neither, the production label', () => {
    expect(registry.resolve('greet')).toMatchObject({ version: 2, label: 'production' });
  });

  it('with neither and no production label, the latest version', () => {
    const resolved = registry.resolve('bare');
    expect(resolved.version).toBe(7);
    expect(resolved.label).toBeUndefined();
  });

  it('version and label together is a 400', () => {
    expect(() => registry.resolve('greet', { version: 1, label: 'staging' })).toThrow(
      expect.objectContaining({ status: 400, type: 'invalid_request_error' }),
    );
  });

  it('an unknown version, label or prompt is a 404 with its own code', () => {
    expect(() => registry.resolve('greet', { version: 9 })).toThrow(
      expect.objectContaining({ status: 404, code: 'prompt_version_not_found', param: 'version' }),
    );
    expect(() => registry.resolve('greet', { label: 'canary' })).toThrow(
      expect.objectContaining({ status: 404, code: 'prompt_label_not_found', param: 'label' }),
    );
    expect(() => registry.resolve('nope')).toThrow(
      expect.objectContaining({ status: 404, type: 'not_found_error', code: 'prompt_not_found' }),
    );
    expect(() => registry.resolve('greet', { label: 'constructor' })).toThrow(
      expect.objectContaining({ code: 'prompt_label_not_found' }),
    );
  });

  it('a version that is not a positive integer is a 400', () => {
    for (const version of [0, -1, 1.5, Number.NaN]) {
      expect(() => versionOf({ version })).toThrow(
        expect.objectContaining({ status: 400, param: 'version' }),
      );
    }
  });

  it('a split is sticky: the same user always gets the same version', () => {
    for (let i = 0; i < 200; i++) {
      const user = `user-${i}`;
      const first = versionOf({ label: 'experiment', user });
      for (let j = 0; j < 3; j++) expect(versionOf({ label: 'experiment', user })).toBe(first);
    }
  });

  it('a split follows its weights over many users (10k users, within 1.5 points)', () => {
    const counts = new Map<number, number>();
    const users = 10_000;
    for (let i = 0; i < users; i++) {
      const version = versionOf({ label: 'experiment', user: `customer-${i}` });
      counts.set(version, (counts.get(version) ?? 0) + 1);
    }
    expect(Math.abs((counts.get(2) ?? 0) / users - 0.9)).toBeLessThan(0.015);
    expect(Math.abs((counts.get(3) ?? 0) / users - 0.1)).toBeLessThan(0.015);
    const thirds = new Map<number, number>();
    for (let i = 0; i < users; i++) {
      const version = versionOf({ label: 'thirds', user: `customer-${i}` });
      thirds.set(version, (thirds.get(version) ?? 0) + 1);
    }
    for (const version of [1, 2, 3]) {
      expect(Math.abs((thirds.get(version) ?? 0) / users - 1 / 3)).toBeLessThan(0.02);
    }
  });

  it('labels bucket users independently of each other', () => {
    let agree = 0;
    for (let i = 0; i < 3000; i++) {
      const unitA = stickyUnit('greet', 'experiment', `u${i}`);
      const unitB = stickyUnit('greet', 'thirds', `u${i}`);
      if (unitA < 0.5 === unitB < 0.5) agree++;
    }
    expect(agree / 3000).toBeGreaterThan(0.45);
    expect(agree / 3000).toBeLessThan(0.55);
  });

  it('without a user, a split picks with the injected random source', () => {
    randomValue = 0.05;
    expect(registry.resolve('greet', { label: 'experiment' })).toMatchObject({
      version: 2,
      label: 'experiment',
    });
    randomValue = 0.95;
    expect(versionOf({ label: 'experiment' })).toBe(3);
    randomValue = 0.5;
    expect(versionOf({ label: 'thirds' })).toBe(2);
  });

  it('a production label that is a split is the default, sticky per user', () => {
    const splitDir = makePromptsDir({
      'ab/v1.yaml': versionYaml(),
      'ab/v2.yaml': versionYaml(),
      'ab/labels.yaml':
        'production: { split: [{ version: 1, weight: 1 }, { version: 2, weight: 1 }] }\n',
    });
    try {
      const abRegistry = PromptRegistry.load({ dir: splitDir, random: () => 0.99 });
      expect(abRegistry.resolve('ab')).toMatchObject({ version: 2, label: 'production' });
      const seen = new Set<number>();
      for (let i = 0; i < 50; i++) {
        const version = abRegistry.resolve('ab', { user: `u${i}` }).version;
        expect(abRegistry.resolve('ab', { user: `u${i}` }).version).toBe(version);
        seen.add(version);
      }
      expect([...seen].sort()).toEqual([1, 2]);
    } finally {
      removeDir(splitDir);
    }
  });

  it('list() and get() show versions and labels, splits included', () => {
    expect(registry.list().map((prompt) => prompt.name)).toEqual(['bare', 'greet']);
    expect(registry.list()[1]).toEqual({
      name: 'greet',
      description: 'three',
      latestVersion: 3,
      versions: [1, 2, 3],
      labels: {
        production: 2,
        staging: 3,
        experiment: {
          split: [
            { version: 2, weight: 90 },
            { version: 3, weight: 10 },
          ],
        },
        thirds: {
          split: [
            { version: 1, weight: 1 },
            { version: 2, weight: 1 },
            { version: 3, weight: 1 },
          ],
        },
      },
    });
    const detail = registry.get('greet');
    expect(
      detail.versions.map((version) => [version.version, version.description, version.file]),
    ).toEqual([
      [1, 'one', 'greet/v1.yaml'],
      [2, 'two', 'greet/v2.yaml'],
      [3, 'three', 'greet/v3.yaml'],
    ]);
    expect(detail.versions[0].messages[1]).toEqual({ role: 'user', content: 'Hello {{ name }}' });
    expect(detail.versions[0].variables).toMatchObject({
      type: 'object',
      additionalProperties: false,
    });
    expect(() => registry.get('nope')).toThrow(
      expect.objectContaining({ code: 'prompt_not_found' }),
    );
  });

  it('what it serves cannot be changed by a caller', () => {
    const detail = registry.get('greet');
    expect(Object.isFrozen(detail.versions[0].messages[0])).toBe(true);
    expect(Object.isFrozen(detail.labels)).toBe(true);
    expect(() => {
      (detail.versions[0].parameters as { temperature?: number }).temperature = 2;
    }).toThrow(TypeError);
  });
});

describe('pickVersion', () => {
  const split = {
    split: [
      { version: 4, weight: 3 },
      { version: 9, weight: 1 },
    ],
  };

  it('maps [0, 1) onto the arms by weight', () => {
    expect(pickVersion(split, 0)).toBe(4);
    expect(pickVersion(split, 0.7499)).toBe(4);
    expect(pickVersion(split, 0.75)).toBe(9);
    expect(pickVersion(split, 0.9999)).toBe(9);
    expect(pickVersion(split, 1)).toBe(9);
  });

  it('stickyUnit is in [0, 1) and stable', () => {
    const unit = stickyUnit('p', 'l', 'u');
    expect(unit).toBeGreaterThanOrEqual(0);
    expect(unit).toBeLessThan(1);
    expect(stickyUnit('p', 'l', 'u')).toBe(unit);
    expect(stickyUnit('p', 'l', 'v')).not.toBe(unit);
  });
});
