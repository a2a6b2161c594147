/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // Jest's default on a 2-core machine is one worker; two halve the wall time.
  maxWorkers: 2,
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // swc strips types without type checking; `tsc --noEmit` in `npm test` does the checking once.
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  // Fixtures of the template-style benchmark are not tests and are slow to load.
  testPathIgnorePatterns: ["/node_modules/", "/bench/"],
  reporters: ["default", "<rootDir>/scripts/jest-summary-reporter.js"],
};
