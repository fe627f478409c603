import { formatPath } from './config-path';
import { closest, didYouMean } from './suggest';

describe('closest', () => {
  const fields = ['name', 'provider', 'model', 'contextWindow', 'maxOutputTokens', 'pricing'];

  it.each([
    ['modle', 'model'],
    ['provder', 'provider'],
    ['contextwindow', 'contextWindow'],
    ['maxOutputToken', 'maxOutputTokens'],
    ['pricng', 'pricing'],
  ])('%s -> %s', (word, expected) => {
    expect(closest(word, fields)).toBe(expected);
  });

  it('suggests nothing for an unrelated word', () => {
    expect(closest('temperature', fields)).toBeUndefined();
    expect(didYouMean('temperature', ['a', 'b'])).toBe('expected one of: a, b');
    expect(didYouMean('x', [])).toBe('none are defined');
  });
});

describe('formatPath', () => {
  it('renders keys dotted and indexes bracketed', () => {
    expect(formatPath(['providers', 1, 'timeouts', 'connectMs'])).toBe(
      'providers[1].timeouts.connectMs',
    );
    expect(formatPath(['routes', 'gpt-4.1', 'targets', 0])).toBe('routes["gpt-4.1"].targets[0]');
    expect(formatPath([])).toBe('(root)');
  });
});
