import type { JsonSchema, Message, PromptRef, ResponseFormat } from '@app/core';

/** The roles a template message may have (tool turns come from the caller, never a template). */
export type PromptRole = 'system' | 'developer' | 'user' | 'assistant';

/** Default sampling parameters of a version; same names and meaning as in `ChatRequest`. */
export interface PromptParameters {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
}

/** A message of a version as written in the file: `content` is Liquid template text. */
export interface PromptMessageTemplate {
  role: PromptRole;
  content: string;
}

/** One arm of a weighted split. */
export interface SplitArm {
  version: number;
  weight: number;
}

/** A label that splits traffic between versions by weight, sticky per user. */
export interface LabelSplit {
  split: readonly SplitArm[];
}

/** What a label points at: one version, or a weighted split (as written in `labels.yaml`). */
export type LabelTarget = number | LabelSplit;

/** One version of a prompt, as loaded from `prompts/<name>/v<N>.yaml`. */
export interface PromptVersionInfo {
  version: number;
  description: string;
  /** the model name (route or deployment) to call by default */
  route: string;
  parameters: Readonly<PromptParameters>;
  /** JSON Schema of the variables (type object; `additionalProperties` is false unless set) */
  variables: JsonSchema;
  messages: readonly PromptMessageTemplate[];
  responseFormat?: ResponseFormat;
  /** sha256 (hex) of the version file's bytes; changes whenever the file's content changes */
  hash: string;
  /** the version file, relative to the prompts directory */
  file: string;
}

export interface PromptSummary {
  name: string;
  /** the description of the latest version */
  description: string;
  latestVersion: number;
  /** ascending */
  versions: readonly number[];
  labels: Readonly<Record<string, LabelTarget>>;
}

export interface PromptDetail extends Omit<PromptSummary, 'versions'> {
  /** ascending by version */
  versions: readonly PromptVersionInfo[];
}

/**
 * Which version to use. `version` and `label` are exclusive; with neither, the `production`
 * label if the prompt has one, else the latest version. `user` makes weighted splits sticky.
 */
export interface PromptSelector {
  version?: number;
  label?: string;
  user?: string;
}

export interface ResolvedVersion extends PromptVersionInfo {
  name: string;
  /** the label the version was chosen through (also `production` when it was the default) */
  label?: string;
}

export interface RenderInput extends PromptSelector {
  /** the values of the template's variables; checked against the version's schema */
  variables?: Readonly<Record<string, unknown>>;
}

/** Which template produced a rendering: enough to reproduce it and to audit it. */
export type { PromptRef } from '@app/core';

export interface RenderedPrompt {
  prompt: PromptRef;
  /** the version's default model name */
  route: string;
  parameters: PromptParameters;
  responseFormat?: ResponseFormat;
  messages: Message[];
}
