import { ConfigError } from './config-error';
import { parseConfig } from './load-config';

const SECRET = 'sk-live-0123456789abcdef';
const HEADER_SECRET = 'org-secret-987654321';

function messageOf(text: string, env: NodeJS.ProcessEnv): string {
  try {
    parseConfig(text, env, 'secrets.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('the configuration was accepted, but an error was expected');
}

describe('secrets in error messages', () => {
  const env = { OPENAI_API_KEY: SECRET, ORG: HEADER_SECRET };

  it('never quotes a secret that lands in a checked non-secret field', () => {
    const message = messageOf(
      `
providers:
  - name: p
    type: openai
    apiKey: \${OPENAI_API_KEY}
    baseUrl: \${OPENAI_API_KEY}
    region: "\${OPENAI_API_KEY}!"
    headers: { "Bad Header": "\${ORG}", OpenAI-Organization: 42 }
deployments:
  - { name: d, provider: "\${OPENAI_API_KEY}", model: m }
routes:
  r: { targets: ["\${ORG}"] }
`,
      env,
    );
    expect(message).toContain('providers[0].baseUrl: must be an http(s) URL');
    expect(message).toContain('providers[0].region: must be letters, digits');
    expect(message).toContain("provider from '${OPENAI_API_KEY}' is not defined");
    expect(message).toContain("deployment from '${ORG}' is not defined");
    expect(message).toContain(
      'providers[0].headers["Bad Header"]: name must be a valid HTTP header',
    );
    expect(message).toContain('providers[0].headers.OpenAI-Organization: must be a string');
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain(HEADER_SECRET);
  });

  it('never quotes an apiKey, whatever is wrong with it', () => {
    const message = messageOf(
      `
providers:
  - { name: p, type: simulator, apiKey: "${SECRET}" }
  - { name: q, type: openai, apiKey: ["${SECRET}"] }
deployments:
  - { name: d, provider: p, model: m }
`,
      {},
    );
    expect(message).toContain('providers[0].apiKey: not used by type simulator');
    expect(message).toContain('providers[1].apiKey: must be a string');
    expect(message).not.toContain(SECRET);
  });

  it('masks a secret value that was written literally into a quoted field', () => {
    const message = messageOf(
      `
providers:
  - { name: p, type: openai, apiKey: ${SECRET} }
deployments:
  - { name: d, provider: ${SECRET}, model: m }
`,
      {},
    );
    expect(message).toContain("deployments[0].provider: provider '***' is not defined");
    expect(message).not.toContain(SECRET);
  });

  it('does not quote the offending token of a YAML syntax error', () => {
    const message = messageOf(`providers:\n  - apiKey: [k]] ${SECRET}\n`, {});
    expect(message).toContain('(yaml syntax)');
    expect(message).not.toContain(SECRET);
  });

  it('names the unset variable behind a secret, not a value', () => {
    const message = messageOf(
      `
providers:
  - { name: p, type: openai, apiKey: "\${OPENAI_API_KEY}" }
deployments:
  - { name: d, provider: p, model: m }
`,
      {},
    );
    expect(message).toContain(
      'providers[0].apiKey: environment variable OPENAI_API_KEY is not set',
    );
  });
});
