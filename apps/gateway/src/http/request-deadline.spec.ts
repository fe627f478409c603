import { GatewayError } from '@app/core';
import { callerDeadline } from './request-deadline';

describe('callerDeadline', () => {
  it('is undefined without the header', () => {
    expect(callerDeadline({}, 1000)).toBeUndefined();
  });

  it('adds the milliseconds to the start time', () => {
    expect(callerDeadline({ 'x-gateway-timeout-ms': '2500' }, 1000)).toBe(3500);
    expect(callerDeadline({ 'x-gateway-timeout-ms': ' 1 ' }, 0)).toBe(1);
  });

  it.each(['0', '-5', '1.5', 'soon', '', '86400001', '9999999999'])(
    "rejects '%s' with a 400 naming the header",
    (value) => {
      let caught: unknown;
      try {
        callerDeadline({ 'x-gateway-timeout-ms': value }, 0);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(GatewayError);
      expect(caught).toMatchObject({ status: 400, param: 'x-gateway-timeout-ms' });
    },
  );
});
