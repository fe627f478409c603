import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';

export const MESSAGE_ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;

export class FunctionCallDto {
  @IsString()
  @MaxLength(256)
  name!: string;

  @IsString()
  arguments!: string;
}

export class ToolCallDto {
  @IsString()
  @MaxLength(256)
  id!: string;

  @IsIn(['function'])
  type!: 'function';

  @ValidateNested()
  @Type(() => FunctionCallDto)
  function!: FunctionCallDto;
}

export interface TextPartWire {
  type: 'text';
  text: string;
}
export interface ImagePartWire {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}
export type ContentPartWire = TextPartWire | ImagePartWire;

/** Why a content value is not valid, or undefined when it is. */
function contentProblem(value: unknown): string | undefined {
  if (value === null || typeof value === 'string') return undefined;
  if (!Array.isArray(value)) return 'must be a string, an array of content parts, or null';
  for (const [i, part] of (value as unknown[]).entries()) {
    if (typeof part !== 'object' || part === null) return `[${i}] must be an object`;
    const { type, text, image_url: image } = part as Record<string, unknown>;
    if (type === 'text') {
      if (typeof text !== 'string') return `[${i}].text must be a string`;
    } else if (type === 'image_url') {
      const url = (image as Record<string, unknown> | null | undefined)?.url;
      if (typeof url !== 'string') return `[${i}].image_url.url must be a string`;
    } else {
      return `[${i}].type must be one of text, image_url`;
    }
  }
  return undefined;
}

function IsMessageContent(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isMessageContent',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => contentProblem(value) === undefined,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'content'} ${contentProblem(args?.value) ?? 'is invalid'}`,
      },
    });
}

export class ChatMessageDto {
  @IsIn(MESSAGE_ROLES)
  role!: (typeof MESSAGE_ROLES)[number];

  @IsOptional()
  @IsMessageContent()
  content?: string | ContentPartWire[] | null;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  name?: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ToolCallDto)
  tool_calls?: ToolCallDto[];

  @IsOptional()
  @IsString()
  @MaxLength(256)
  tool_call_id?: string;
}
