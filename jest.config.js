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
  reporters: ["default", "<rootDir>/scripts/jest-summary-reporter.js"],
};
