import type { Liquid, Template } from 'liquidjs';
import { compileTemplate } from './compile-template';
import { readMapping } from './fields';
import type { PromptRole } from './prompt-types';
import type { VariablesSchema } from './read-variables';
import type { FieldPath, YamlFile } from './yaml-file';

/** A template message: its source (as served) and its parsed template (as rendered). */
export interface CompiledMessage {
  role: PromptRole;
  content: string;
  template: Template[];
}

const ROLES: readonly PromptRole[] = ['system', 'developer', 'user', 'assistant'];

/** Reads a version's `messages`: a non-empty list of `{role, content}`, each template parsed. */
export function readMessages(
  file: YamlFile,
  path: FieldPath,
  value: unknown,
  liquid: Liquid,
  variables: VariablesSchema | undefined,
): CompiledMessage[] {
  if (!Array.isArray(value) || value.length === 0) {
    file.report(path, 'must be a non-empty list of {role, content} messages');
    return [];
  }
  const messages: CompiledMessage[] = [];
  (value as unknown[]).forEach((item, index) => {
    const at = [...path, index];
    const fields = readMapping(file, at, item, ['role', 'content']);
    if (fields === undefined) return;
    const role = fields.role;
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      file.report([...at, 'role'], `must be one of ${ROLES.join(', ')}`);
    }
    const content = fields.content;
    if (typeof content !== 'string' || content.trim() === '') {
      file.report([...at, 'content'], 'must be non-empty template text');
      return;
    }
    const template = compileTemplate(file, [...at, 'content'], content, liquid, variables);
    if (template !== undefined) messages.push({ role: role as PromptRole, content, template });
  });
  return messages;
}
