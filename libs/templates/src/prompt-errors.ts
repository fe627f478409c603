import { GatewayError } from '@app/core';

/** 404 for a prompt name the registry does not have. */
export function promptNotFound(name: string): GatewayError {
  return GatewayError.notFound(`Prompt '${name}' does not exist.`, 'name', 'prompt_not_found');
}

export function versionNotFound(name: string, version: number): GatewayError {
  return GatewayError.notFound(
    `Prompt '${name}' has no version ${version}.`,
    'version',
    'prompt_version_not_found',
  );
}

export function labelNotFound(name: string, label: string): GatewayError {
  return GatewayError.notFound(
    `Prompt '${name}' has no label '${label}'.`,
    'label',
    'prompt_label_not_found',
  );
}

export function versionAndLabel(): GatewayError {
  return GatewayError.invalidRequest('Give a version or a label, not both.', 'label');
}

export function invalidVersion(): GatewayError {
  return GatewayError.invalidRequest('version must be a positive integer.', 'version');
}
