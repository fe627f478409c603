import { createHash } from 'node:crypto';
import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import type { Liquid } from 'liquidjs';
import { deepFreeze } from './deep-freeze';
import { readMapping, readString } from './fields';
import type { PromptVersionInfo } from './prompt-types';
import { readMessages, type CompiledMessage } from './read-messages';
import { readParameters } from './read-parameters';
import { readResponseFormat } from './read-response-format';
import { readVariables } from './read-variables';
import type { TemplateLoadIssue } from './template-load-error';
import { YamlFile } from './yaml-file';

/** A loaded version: what is served about it, its parsed templates and its compiled validator. */
export interface CompiledVersion {
  info: PromptVersionInfo;
  messages: readonly CompiledMessage[];
  validate: ValidateFunction;
}

export interface VersionFile {
  /** relative to the prompts directory, e.g. `support-reply/v2.yaml` */
  file: string;
  version: number;
  bytes: Buffer;
}

const FIELDS = ['description', 'route', 'parameters', 'variables', 'messages', 'responseFormat'];

/** sha256 (hex) of a version file's bytes: the version's content hash. */
export function contentHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Reads one `v<N>.yaml`: every field checked, the variables schema compiled, each message's
 * template parsed and checked against the schema. Problems go to `issues` (file and line);
 * returns undefined when there were any.
 */
export function readVersion(
  source: VersionFile,
  liquid: Liquid,
  ajv: Ajv,
  issues: TemplateLoadIssue[],
): CompiledVersion | undefined {
  const before = issues.length;
  const yaml = YamlFile.parse(source.bytes.toString('utf8'), source.file, issues);
  if (yaml === undefined) return undefined;
  const fields = readMapping(yaml, [], yaml.value, FIELDS);
  if (fields === undefined) return undefined;

  const description = readString(yaml, ['description'], fields.description);
  const route = readString(yaml, ['route'], fields.route);
  const parameters = readParameters(yaml, ['parameters'], fields.parameters);
  const variables = readVariables(yaml, ['variables'], fields.variables, ajv);
  const responseFormat = readResponseFormat(yaml, ['responseFormat'], fields.responseFormat, ajv);
  const messages = readMessages(yaml, ['messages'], fields.messages, liquid, variables);
  if (issues.length > before) return undefined;
  if (description === undefined || route === undefined || parameters === undefined)
    return undefined;
  if (variables === undefined) return undefined;

  const info: PromptVersionInfo = {
    version: source.version,
    description,
    route,
    parameters,
    variables: variables.schema,
    messages: messages.map(({ role, content }) => ({ role, content })),
    ...(responseFormat === undefined ? {} : { responseFormat }),
    hash: contentHash(source.bytes),
    file: source.file,
  };
  return { info: deepFreeze(info), messages, validate: variables.validate };
}
