// @ts-check
import tseslint from 'typescript-eslint';

const FRAMEWORKS = ['@nestjs/*', 'mongodb', 'better-sqlite3', '@eventstore/db-client', 'fastify', 'exceljs'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', '**/*.js', '**/*.mjs', 'tools/ferretdb/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Nest resolves decorated classes at run time; type-only imports of them are fine elsewhere.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/require-await': 'off',
      // better-sqlite3's transaction.immediate and CLI contexts are plain functions, not methods.
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['self', 'store'] }],
      // Stored failures are rethrown as they came (unknown from a catch), not wrapped.
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNever: true }],
    },
  },
  {
    // The domain stays pure: no framework, driver or database import (STYLE.md, Domain).
    files: ['libs/*-domain/src/**/*.ts', 'libs/domain-kernel/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: FRAMEWORKS, message: 'Domain libraries import no framework, driver or database.' }] }],
    },
  },
  {
    // Specs poke at JSON answers; strict unsafe-any rules would only add casts there.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'libs/testing/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
);
