module.exports = {
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/test/**/*.test.js'],
  setupFiles: ['<rootDir>/test/helpers/setup.js'],
  setupFilesAfterEnv: ['<rootDir>/test/helpers/no-errors.js'],
  testTimeout: 20000,
}
