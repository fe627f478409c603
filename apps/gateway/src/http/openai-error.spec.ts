import {
  BadRequestException,
  HttpException,
  InternalServerErrorException,
  MethodNotAllowedException,
  NotFoundException,
  PayloadTooLargeException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { errorCodes } from 'fastify';
import { GatewayError, streamCutError, upstreamError } from '@app/core';
import { renderError } from './openai-error';

const LIMIT = 4096;

describe('renderError', () => {
  describe('GatewayError', () => {
    it('passes the error through with its status and no extra headers', () => {
      const error = GatewayError.modelNotFound('nope');
      const rendered = renderError(error, LIMIT);
      expect(rendered.status).toBe(404);
      expect(rendered.error).toBe(error);
      expect(rendered.headers).toEqual({});
    });

    it.each([
      [1, '1'],
      [999, '1'],
      [1000, '1'],
      [1001, '2'],
      [1500, '2'],
      [30_000, '30'],
    ])('429 with retryAfterMs %i sends Retry-After: %s (seconds, rounded up)', (ms, header) => {
      const rendered = renderError(GatewayError.rateLimited('slow down', ms), LIMIT);
      expect(rendered.status).toBe(429);
      expect(rendered.headers).toEqual({ 'retry-after': header });
    });

    it('sends at least Retry-After: 1 for a zero hint', () => {
      expect(renderError(GatewayError.rateLimited('x', 0), LIMIT).headers).toEqual({
        'retry-after': '1',
      });
    });

    it('sends Retry-After on a 503 with a hint (an upstream overload, too)', () => {
      expect(renderError(GatewayError.unavailable('busy', 2500), LIMIT).headers).toEqual({
        'retry-after': '3',
      });
      const upstream = upstreamError({
        provider: 'p',
        status: 429,
        message: 'x',
        retryAfterMs: 7000,
      });
      expect(upstream.status).toBe(503);
      expect(renderError(upstream, LIMIT).headers).toEqual({ 'retry-after': '7' });
    });

    it('sends no Retry-After on a 503 without a hint', () => {
      expect(renderError(GatewayError.unavailable('busy'), LIMIT).headers).toEqual({});
    });

    it('sends no Retry-After for other statuses, even with a hint', () => {
      const timeout = new GatewayError({
        status: 504,
        type: 'timeout_error',
        code: 'upstream_timeout',
        message: 'slow',
        retryAfterMs: 5000,
      });
      const badGateway = upstreamError({
        provider: 'p',
        status: 500,
        message: 'x',
        retryAfterMs: 5000,
      });
      expect(renderError(timeout, LIMIT).headers).toEqual({});
      expect(renderError(badGateway, LIMIT).headers).toEqual({});
      expect(renderError(streamCutError('p', 'eof'), LIMIT)).toMatchObject({
        status: 502,
        headers: {},
      });
    });
  });

  describe('Nest HttpException', () => {
    it('404 is not_found_error / unknown_url naming the route', () => {
      const rendered = renderError(new NotFoundException('Cannot POST /v1/nothing'), LIMIT);
      expect(rendered.status).toBe(404);
      expect(rendered.error.toJSON()).toEqual({
        error: {
          message: 'Unknown route: POST /v1/nothing',
          type: 'not_found_error',
          param: null,
          code: 'unknown_url',
        },
      });
    });

    it('413 is payload_too_large with the configured limit', () => {
      const rendered = renderError(new PayloadTooLargeException(), LIMIT);
      expect(rendered.status).toBe(413);
      expect(rendered.error.type).toBe('invalid_request_error');
      expect(rendered.error.code).toBe('payload_too_large');
      expect(rendered.error.message).toContain('4096 bytes');
    });

    it('400 about JSON is invalid_json; another 400 keeps its message as invalid_request', () => {
      const json = renderError(
        new HttpException(
          "Body is not valid JSON but content-type is set to 'application/json'",
          400,
        ),
        LIMIT,
      );
      expect(json.status).toBe(400);
      expect(json.error.code).toBe('invalid_json');
      expect(json.error.type).toBe('invalid_request_error');
      const other = renderError(new BadRequestException('Missing thing'), LIMIT);
      expect(other.error).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        code: 'invalid_request',
        message: 'Missing thing',
      });
    });

    it('maps the type from the status', () => {
      expect(renderError(new MethodNotAllowedException(), LIMIT).error).toMatchObject({
        status: 405,
        type: 'invalid_request_error',
      });
      expect(renderError(new HttpException('nope', 401), LIMIT).error.type).toBe(
        'authentication_error',
      );
      expect(renderError(new HttpException('nope', 403), LIMIT).error.type).toBe(
        'permission_error',
      );
      expect(renderError(new HttpException('slow', 429), LIMIT).error.type).toBe(
        'rate_limit_error',
      );
      expect(renderError(new HttpException('odd', 418), LIMIT).error.type).toBe(
        'invalid_request_error',
      );
    });

    it('5xx keeps the status but hides the message', () => {
      for (const exception of [
        new InternalServerErrorException('db password is hunter2'),
        new ServiceUnavailableException('db password is hunter2'),
      ]) {
        const rendered = renderError(exception, LIMIT);
        expect(rendered.status).toBe(exception.getStatus());
        expect(rendered.error.type).toBe('api_error');
        expect(rendered.error.code).toBe('internal_error');
        expect(rendered.error.message).not.toContain('hunter2');
      }
    });
  });

  describe('Fastify errors by code', () => {
    it('body too large is payload_too_large with the limit', () => {
      const rendered = renderError(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), LIMIT);
      expect(rendered.status).toBe(413);
      expect(rendered.error.code).toBe('payload_too_large');
      expect(rendered.error.message).toContain(String(LIMIT));
    });

    it('an empty JSON body is invalid_json', () => {
      expect(renderError(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(), LIMIT).error).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        code: 'invalid_json',
      });
    });

    it('a wrong media type is 415 unsupported_media_type', () => {
      const rendered = renderError(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(), LIMIT);
      expect(rendered.status).toBe(415);
      expect(rendered.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'unsupported_media_type',
        message: 'Send the request body as application/json.',
      });
    });

    it('a content-length mismatch is 400 invalid_request', () => {
      expect(
        renderError(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH(), LIMIT).error,
      ).toMatchObject({ status: 400, code: 'invalid_request' });
    });

    it('an unknown 4xx error object keeps its status with a generic message', () => {
      const error = Object.assign(new Error('internal detail /srv/app.js'), { statusCode: 405 });
      const rendered = renderError(error, LIMIT);
      expect(rendered.status).toBe(405);
      expect(rendered.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'invalid_request',
        message: 'The request could not be processed.',
      });
      expect(renderError({ status: 404 }, LIMIT).error.type).toBe('not_found_error');
    });
  });

  describe('anything else', () => {
    it('an unknown Error is a 500 internal_error that does not reveal its message', () => {
      const rendered = renderError(
        new TypeError("Cannot read properties of undefined ('x')"),
        LIMIT,
      );
      expect(rendered.status).toBe(500);
      expect(rendered.headers).toEqual({});
      expect(rendered.error.toJSON()).toEqual({
        error: {
          message: 'The gateway failed to process the request.',
          type: 'api_error',
          param: null,
          code: 'internal_error',
        },
      });
      expect(rendered.error.message).not.toContain('Cannot read');
    });

    it('a 5xx error object, a string or undefined is a 500 too', () => {
      const withStatus = Object.assign(new Error('secret'), { statusCode: 502 });
      for (const thrown of [withStatus, 'boom', undefined, null, { code: 'ECONNRESET' }]) {
        const rendered = renderError(thrown, LIMIT);
        expect(rendered.status).toBe(500);
        expect(rendered.error.code).toBe('internal_error');
        expect(rendered.error.message).not.toMatch(/secret|boom|ECONNRESET/);
      }
    });
  });

  describe('Fastify body errors as Nest hands them over', () => {
    it('a raw Fastify 5 invalid-JSON error is invalid_json', () => {
      expect(renderError(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(), LIMIT).error.code).toBe(
        'invalid_json',
      );
    });

    it('an empty JSON body is invalid_json', () => {
      const fromNest = new HttpException(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY().message, 400);
      expect(renderError(fromNest, LIMIT).error.code).toBe('invalid_json');
    });

    it('a wrong media type is 415 unsupported_media_type', () => {
      const fromNest = new HttpException(
        new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE().message,
        415,
      );
      expect(renderError(fromNest, LIMIT).error).toMatchObject({
        status: 415,
        code: 'unsupported_media_type',
      });
    });
  });
});
