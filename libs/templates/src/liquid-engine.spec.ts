import { createLiquid } from './liquid-engine';

describe('createLiquid', () => {
  const liquid = createLiquid();

  it.each(['include', 'render', 'layout'])('has no %s tag', (tag) => {
    expect(() => liquid.parse(`{% ${tag} '/etc/passwd' %}`)).toThrow(`tag "${tag}" not found`);
  });

  it('cannot read files even when asked directly', () => {
    expect(() => liquid.parseFileSync('/etc/passwd')).toThrow();
    expect(() => liquid.renderFileSync('/etc/hostname')).toThrow();
  });

  it('is strict about variables and filters, and does not escape', () => {
    expect(() => liquid.parseAndRenderSync('{{ missing }}', {})).toThrow(
      /undefined variable: missing/,
    );
    expect(() => liquid.parse('{{ 1 | nope }}')).toThrow(/undefined filter: nope/);
    expect(liquid.parseAndRenderSync('{{ v }}', { v: '<b>&' })).toBe('<b>&');
  });

  it('lets `if` and `default` test an optional variable', () => {
    expect(liquid.parseAndRenderSync('{% if o %}set{% else %}unset{% endif %}', {})).toBe('unset');
    expect(liquid.parseAndRenderSync("{{ o | default: 'd' }}", {})).toBe('d');
  });

  it('does not read inherited properties', () => {
    const scope = Object.create({ inherited: 'secret' }) as object;
    expect(() => liquid.parseAndRenderSync('{{ inherited }}', scope)).toThrow(/undefined variable/);
  });
});
