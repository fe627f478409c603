/** Unit specs live beside the code (`*.spec.ts`); e2e suites live in test/ (`*.e2e-spec.ts`). */
const moduleNameMapper = {
  '^@app/(core|providers|gateway|resilience|streaming|observability|tenancy|templates|context|conversations|usage)(|/.*)$':
    '<rootDir>/libs/$1/src$2',
};
const transform = { '^.+\\.ts$': 'ts-jest' };

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/apps', '<rootDir>/libs'],
      testMatch: ['**/*.spec.ts'],
      moduleFileExtensions: ['ts', 'js', 'json'],
      transform,
      moduleNameMapper,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      moduleFileExtensions: ['ts', 'js', 'json'],
      transform,
      moduleNameMapper,
    },
  ],
};
