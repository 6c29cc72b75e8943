// Lint: typescript-eslint, plus the layer rules of DESIGN.md enforced as import restrictions.
import tseslint from 'typescript-eslint';

/** Import patterns a layer may not use (relative paths from inside server/src/<layer>/). */
const forbid = (...layers) =>
  layers.map((layer) => ({
    group: [`**/${layer}`, `**/${layer}/**`],
    message: `DESIGN.md layer rule: this layer may not import from ${layer}/`,
  }));

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'data/**',
      'bench-results/**',
      'test-artifacts/**',
      '**/*.cjs',
      // A new project's files (`tickspace init`): they import the published package, not this source.
      'server/template/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSEnumDeclaration',
          message: 'Use an `as const` object and a derived union instead of enum.',
        },
        { selector: 'TSModuleDeclaration[kind="namespace"]', message: 'No namespaces: use modules.' },
        { selector: 'TSParameterProperty', message: 'No parameter properties: declare and assign fields.' },
      ],
    },
  },
  {
    files: ['server/src/engine/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: forbid('world', 'net', 'client', 'fabric', 'regions') },
      ],
    },
  },
  {
    files: ['server/src/protocol/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: forbid('engine', 'world', 'net', 'client') },
      ],
    },
  },
  {
    files: ['server/src/net/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: forbid('world', 'client') }],
    },
  },
  {
    // The client runs in browsers: protocol only at runtime; module types may be imported as types.
    files: ['server/src/client/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [...forbid('engine', 'world', 'net').map((p) => ({ ...p, allowTypeImports: true }))] },
      ],
    },
  },
  {
    // The fabric is a broker port: it knows the protocol's errors and nothing of engines, worlds or sessions.
    files: ['server/src/fabric/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: forbid('engine', 'world', 'net', 'client', 'regions') },
      ],
    },
  },
  {
    // Regions join engines through the fabric: the engine's public API and the fabric, never a game or a session.
    files: ['server/src/regions/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...forbid('world', 'net', 'client'),
            {
              regex: '(^|/)engine/(?!tooling$).+',
              message:
                "Import the engine's public faces ('../engine', '../engine/tooling'), not its internals.",
            },
          ],
        },
      ],
    },
  },
  {
    // The world is written only against the engine's public API (its index), never its internals.
    files: ['server/src/world/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...forbid('net', 'client', 'fabric', 'regions'),
            {
              regex: '(^|/)engine/.+',
              message: "Import the engine's public API ('../engine'), not its internals.",
            },
          ],
        },
      ],
    },
  },
);
