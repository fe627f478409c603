import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PromptRegistry } from './prompt-registry';
import { TemplateLoadError } from './template-load-error';
import {
  makePromptsDir,
  removeDir,
  versionYaml,
  waitFor,
  writeFiles,
} from './testing/prompt-files';

/** the fs watchers this process holds */
function watcherCount(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'FSEventWrap').length;
}

describe('hot reload', () => {
  let dir: string;
  let registry: PromptRegistry;
  let errors: Error[];

  const greeting = (name = 'greet') =>
    registry.render(name, { variables: { name: 'Ann' } }).messages[1].content;

  beforeEach(() => {
    dir = makePromptsDir({ 'greet/v1.yaml': versionYaml({ greeting: 'Hello' }) });
    errors = [];
    registry = PromptRegistry.load({
      dir,
      watch: true,
      onReloadError: (error) => errors.push(error),
    });
  });

  afterEach(() => {
    registry.close();
    removeDir(dir);
  });

  it('serves a valid edit within 2 s, with a new hash', async () => {
    const before = registry.resolve('greet').hash;
    const text = versionYaml({ greeting: 'Howdy' });
    writeFileSync(join(dir, 'greet/v1.yaml'), text);
    const elapsed = await waitFor(() => greeting() === 'Howdy Ann');
    expect(elapsed).toBeLessThan(2000);
    const after = registry.resolve('greet').hash;
    expect(after).not.toBe(before);
    expect(after).toBe(createHash('sha256').update(text).digest('hex'));
    expect(errors).toEqual([]);
  });

  it('picks up a new version and a new prompt folder', async () => {
    writeFiles(dir, { 'greet/v2.yaml': versionYaml({ greeting: 'Hi' }) });
    await waitFor(() => registry.get('greet').latestVersion === 2);
    expect(greeting()).toBe('Hi Ann');
    writeFiles(dir, { 'welcome/v1.yaml': versionYaml({ greeting: 'Welcome' }) });
    await waitFor(() => registry.has('welcome'));
    expect(greeting('welcome')).toBe('Welcome Ann');
    expect(errors).toEqual([]);
  });

  it('drops a deleted version and a deleted prompt folder', async () => {
    writeFiles(dir, {
      'greet/v2.yaml': versionYaml({ greeting: 'Hi' }),
      'other/v1.yaml': versionYaml(),
    });
    await waitFor(() => registry.has('other') && registry.get('greet').latestVersion === 2);
    rmSync(join(dir, 'greet/v2.yaml'));
    await waitFor(() => registry.get('greet').latestVersion === 1);
    rmSync(join(dir, 'other'), { recursive: true });
    await waitFor(() => !registry.has('other'));
    expect(registry.list().map((prompt) => prompt.name)).toEqual(['greet']);
    expect(errors).toEqual([]);
  });

  it('follows an editor that saves by renaming a temp file over the original', async () => {
    writeFileSync(join(dir, 'greet/.v1.yaml.swp'), versionYaml({ greeting: 'Saved' }));
    renameSync(join(dir, 'greet/.v1.yaml.swp'), join(dir, 'greet/v1.yaml'));
    await waitFor(() => greeting() === 'Saved Ann');
    writeFileSync(join(dir, 'greet/v1.yaml~'), versionYaml({ greeting: 'Again' }));
    renameSync(join(dir, 'greet/v1.yaml~'), join(dir, 'greet/v1.yaml'));
    await waitFor(() => greeting() === 'Again Ann');
    expect(errors).toEqual([]);
  });

  it('follows a prompt folder moved in whole', async () => {
    const staging = join(dir, '.staging');
    mkdirSync(join(staging, 'moved'), { recursive: true });
    writeFileSync(join(staging, 'moved/v1.yaml'), versionYaml({ greeting: 'Moved' }));
    renameSync(join(staging, 'moved'), join(dir, 'moved'));
    await waitFor(() => registry.has('moved'));
    writeFiles(dir, { 'moved/v2.yaml': versionYaml({ greeting: 'Moved again' }) });
    await waitFor(() => registry.get('moved').latestVersion === 2);
    expect(greeting('moved')).toBe('Moved again Ann');
  });

  it('follows a prompt folder replaced by another of the same name', async () => {
    writeFiles(dir, { '.next/greet/v1.yaml': versionYaml({ greeting: 'Replaced' }) });
    renameSync(join(dir, 'greet'), join(dir, '.previous'));
    renameSync(join(dir, '.next/greet'), join(dir, 'greet'));
    await waitFor(() => greeting() === 'Replaced Ann');
    writeFileSync(join(dir, 'greet/v1.yaml'), versionYaml({ greeting: 'Edited after' }));
    await waitFor(() => greeting() === 'Edited after Ann');
    expect(errors).toEqual([]);
  });

  it('keeps the last good version of a broken prompt, reports the error, and recovers', async () => {
    writeFiles(dir, { 'other/v1.yaml': versionYaml({ greeting: 'Other' }) });
    await waitFor(() => registry.has('other'));
    const goodHash = registry.resolve('greet').hash;

    writeFileSync(
      join(dir, 'greet/v1.yaml'),
      versionYaml({ greeting: 'Broken' }).replace("'Broken {{ name }}'", "'Broken {{ nmae }}'"),
    );
    writeFiles(dir, { 'other/v1.yaml': versionYaml({ greeting: 'Other edited' }) });
    await waitFor(() => errors.length > 0);
    const error = errors[0] as TemplateLoadError;
    expect(error).toBeInstanceOf(TemplateLoadError);
    expect(error.message).toContain(
      "greet/v1.yaml:12:25: messages[1].content: undeclared variable 'nmae'",
    );
    expect(greeting()).toBe('Hello Ann');
    expect(registry.resolve('greet').hash).toBe(goodHash);
    await waitFor(() => greeting('other') === 'Other edited Ann');

    writeFileSync(join(dir, 'greet/v1.yaml'), 'description: [\n');
    await waitFor(() => errors.some((e) => e.message.includes('greet/v1.yaml:2')));
    expect(greeting()).toBe('Hello Ann');

    writeFileSync(join(dir, 'greet/v1.yaml'), versionYaml({ greeting: 'Fixed' }));
    await waitFor(() => greeting() === 'Fixed Ann');
  });

  it('a broken new prompt is not served, and the rest still is', async () => {
    writeFiles(dir, { 'bad/v1.yaml': 'nonsense: true\n' });
    await waitFor(() => errors.length > 0);
    expect(errors[0].message).toContain('bad/v1.yaml:1:1: nonsense: unknown field');
    expect(registry.has('bad')).toBe(false);
    expect(greeting()).toBe('Hello Ann');
  });

  it('a label pointing at a deleted version keeps the prompt as it was', async () => {
    writeFiles(dir, {
      'greet/v2.yaml': versionYaml({ greeting: 'Two' }),
      'greet/labels.yaml': 'production: 2\n',
    });
    await waitFor(() => registry.resolve('greet').version === 2);
    rmSync(join(dir, 'greet/v2.yaml'));
    await waitFor(() => errors.length > 0);
    expect(errors[0].message).toContain(
      'greet/labels.yaml:1:1: production: version 2 does not exist',
    );
    expect(registry.resolve('greet')).toMatchObject({ version: 2, label: 'production' });
  });

  it('reuses the parsed versions of files that did not change', async () => {
    const first = registry.get('greet').versions[0];
    writeFiles(dir, { 'greet/v2.yaml': versionYaml() });
    await waitFor(() => registry.get('greet').latestVersion === 2);
    expect(registry.get('greet').versions[0]).toBe(first);
  });

  it('close() stops watching and releases the watchers', async () => {
    expect(registry.watching).toBe(true);
    expect(watcherCount()).toBeGreaterThan(0);
    registry.close();
    expect(registry.watching).toBe(false);
    await waitFor(() => watcherCount() === 0, 1000);
    writeFileSync(join(dir, 'greet/v1.yaml'), versionYaml({ greeting: 'Unseen' }));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(greeting()).toBe('Hello Ann');
    registry.close();
  });
});

describe('reload()', () => {
  it('applies the directory as it is now and returns the problems it found', () => {
    const dir = makePromptsDir({ 'greet/v1.yaml': versionYaml() });
    const reported: Error[] = [];
    const reloaded: (readonly string[])[] = [];
    try {
      const registry = PromptRegistry.load({
        dir,
        onReloadError: (error) => reported.push(error),
        onReload: (names) => reloaded.push(names),
      });
      expect(registry.watching).toBe(false);
      writeFiles(dir, { 'greet/v1.yaml': 'route: 1\n', 'new/v1.yaml': versionYaml() });
      const error = registry.reload();
      expect(error).toBeInstanceOf(TemplateLoadError);
      expect(reported).toEqual([error]);
      expect(reloaded).toEqual([['greet', 'new']]);
      expect(registry.get('greet').versions[0].hash).toBe(
        createHash('sha256').update(versionYaml()).digest('hex'),
      );
      rmSync(dir, { recursive: true });
      expect(registry.reload()?.message).toContain('cannot read the prompts directory');
      expect(registry.has('greet')).toBe(true);
    } finally {
      removeDir(dir);
    }
  });

  it('hashes are sha256 of the version file bytes', () => {
    const dir = makePromptsDir({ 'greet/v1.yaml': versionYaml() });
    try {
      const hash = PromptRegistry.load(dir).get('greet').versions[0].hash;
      expect(hash).toBe(
        createHash('sha256')
          .update(readFileSync(join(dir, 'greet/v1.yaml')))
          .digest('hex'),
      );
    } finally {
      removeDir(dir);
    }
  });
});
