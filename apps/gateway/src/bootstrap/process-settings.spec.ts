import { DEFAULT_CONFIG_PATH } from '@app/gateway';
import { readProcessSettings } from './process-settings';

describe('readProcessSettings', () => {
  it('uses the defaults for an empty environment', () => {
    expect(readProcessSettings({})).toEqual({
      host: '127.0.0.1',
      port: 8080,
      logLevel: 'info',
      configPath: DEFAULT_CONFIG_PATH,
    });
  });

  it('reads HOST, PORT, LOG_LEVEL and GATEWAY_CONFIG', () => {
    expect(
      readProcessSettings({
        HOST: '0.0.0.0',
        PORT: '3000',
        LOG_LEVEL: 'debug',
        GATEWAY_CONFIG: '/etc/gateway/gateway.yaml',
      }),
    ).toEqual({
      host: '0.0.0.0',
      port: 3000,
      logLevel: 'debug',
      configPath: '/etc/gateway/gateway.yaml',
    });
  });

  it('accepts port 0 and 65535, and a log level in any case', () => {
    expect(readProcessSettings({ PORT: '0' }).port).toBe(0);
    expect(readProcessSettings({ PORT: '65535' }).port).toBe(65535);
    expect(readProcessSettings({ LOG_LEVEL: 'WARN' }).logLevel).toBe('warn');
  });

  it('trims HOST and falls back to loopback when it is blank', () => {
    expect(readProcessSettings({ HOST: ' ::1 ' }).host).toBe('::1');
    expect(readProcessSettings({ HOST: '   ' }).host).toBe('127.0.0.1');
    expect(readProcessSettings({ HOST: '' }).host).toBe('127.0.0.1');
  });

  it('falls back to the default config path when GATEWAY_CONFIG is empty', () => {
    expect(readProcessSettings({ GATEWAY_CONFIG: '' }).configPath).toBe(DEFAULT_CONFIG_PATH);
  });

  it.each(['http', '-1', '65536', '80.5', 'NaN'])(
    'rejects PORT=%s with a message naming PORT and the value',
    (port) => {
      expect(() => readProcessSettings({ PORT: port })).toThrow(
        new Error(`PORT: must be an integer from 0 to 65535, got '${port}'`),
      );
    },
  );

  it.each(['loud', 'trace', 'fatal'])(
    'rejects LOG_LEVEL=%s with a message naming LOG_LEVEL and the choices',
    (level) => {
      expect(() => readProcessSettings({ LOG_LEVEL: level })).toThrow(
        `LOG_LEVEL: must be one of error, warn, info, http, verbose, debug, silly, got '${level}'`,
      );
    },
  );

  it.each(['', '  '])('treats a blank PORT (%j) as unset, not as port 0', (port) => {
    expect(readProcessSettings({ PORT: port }).port).toBe(8080);
  });

  it.each(['0x1F90', '1e3', '-1', '80.5'])(
    'rejects a PORT that is not a plain number: %s',
    (port) => {
      expect(() => readProcessSettings({ PORT: port })).toThrow(/PORT/);
    },
  );
});
