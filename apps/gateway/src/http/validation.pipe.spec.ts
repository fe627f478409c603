import 'reflect-metadata';
import type { ValidationError } from '@nestjs/common';
import { IsInt, IsString } from 'class-validator';
import { GatewayError } from '@app/core';
import { createValidationPipe, firstProblem } from './validation.pipe';

describe('firstProblem', () => {
  it('names a top-level property and keeps its message', () => {
    const errors: ValidationError[] = [
      { property: 'model', constraints: { isString: 'model must be a string' } },
    ];
    expect(firstProblem(errors)).toEqual({ param: 'model', message: 'model must be a string' });
  });

  it('follows children through array indexes and object keys', () => {
    const errors: ValidationError[] = [
      {
        property: 'messages',
        children: [
          {
            property: '2',
            children: [
              {
                property: 'tool_calls',
                children: [
                  {
                    property: '0',
                    children: [
                      { property: 'id', constraints: { isString: 'id must be a string' } },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ];
    expect(firstProblem(errors)).toEqual({
      param: 'messages[2].tool_calls[0].id',
      message: 'messages[2].tool_calls[0].id must be a string',
    });
  });

  it('prefixes a message that does not start with the property name', () => {
    const errors: ValidationError[] = [
      { property: 'n', constraints: { max: 'only n=1 is supported' } },
    ];
    expect(firstProblem(errors)).toEqual({ param: 'n', message: 'n: only n=1 is supported' });
  });

  it('says "is invalid" when there is no constraint message', () => {
    expect(firstProblem([{ property: 'x' }])).toEqual({ param: 'x', message: 'x: is invalid' });
  });
});

class SampleDto {
  @IsString()
  name!: string;

  @IsInt()
  count!: number;
}

describe('createValidationPipe (class DTOs)', () => {
  const meta = { type: 'body' as const, metatype: SampleDto };

  it('returns a DTO instance for a valid body', async () => {
    await expect(
      createValidationPipe().transform({ name: 'a', count: 1 }, meta),
    ).resolves.toBeInstanceOf(SampleDto);
  });

  it('rejects an invalid field as a 400 naming it', async () => {
    const error = (await createValidationPipe()
      .transform({ name: 'a', count: 'x' }, meta)
      .catch((e: unknown) => e)) as GatewayError;
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.param).toBe('count');
  });

  it('rejects a body that is not an object, and leaves other arguments alone', async () => {
    const error = (await createValidationPipe()
      .transform('text', meta)
      .catch((e: unknown) => e)) as GatewayError;
    expect(error.message).toBe('The request body must be a JSON object.');
    await expect(
      createValidationPipe().transform('abc', { type: 'param', metatype: String }),
    ).resolves.toBe('abc');
  });
});
