import type { Message } from '@app/core';
import { GatewayError } from '@app/core';
import type { Liquid } from 'liquidjs';
import { isMapping } from './fields';
import type { CompiledVersion } from './read-version';
import { renderFailed, variablesInvalid } from './variable-errors';

/**
 * Renders a version's messages with `variables`: checked against the version's compiled schema
 * first (a 400 naming the first failing path), then each parsed template rendered. Values are
 * data: Liquid outputs them as they are and never parses them as template text. The rendered
 * content is trimmed of leading and trailing whitespace.
 */
export function renderVersion(
  liquid: Liquid,
  name: string,
  version: CompiledVersion,
  variables: unknown,
): Message[] {
  const prompt = `prompt ${name} v${version.info.version}`;
  const scope = variables ?? {};
  if (!isMapping(scope)) {
    throw GatewayError.invalidRequest('variables must be an object.', 'variables');
  }
  if (!version.validate(scope)) throw variablesInvalid(prompt, version.validate.errors ?? []);
  const properties = version.info.variables.properties;
  const declared = (key: string) => isMapping(properties) && Object.hasOwn(properties, key);
  return version.messages.map((message): Message => {
    let content: unknown;
    try {
      content = liquid.renderSync(message.template, scope);
    } catch (error) {
      throw renderFailed(prompt, error, declared);
    }
    return { role: message.role, content: String(content).trim() };
  });
}
