import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * The typed client frontend teams generate: GraphQL Code Generator's client preset over the
 * committed schema.gql and the operations in examples/. CI runs exactly this (`npm run codegen`),
 * then type-checks examples/client/ against the output, so an example that no longer fits the
 * schema, or a schema change that breaks one, fails the build. docs/frontend.md shows this file.
 */
const config: CodegenConfig = {
  schema: 'schema.gql',
  documents: 'examples/**/*.graphql',
  generates: {
    'examples/client/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Every custom scalar in schema.gql; a new one without a mapping fails generation.
        strictScalars: true,
        scalars: {
          UUID: 'string',
          DateTime: 'string',
          Upload: { input: 'File | Blob', output: 'never' },
        },
        useTypeImports: true,
      },
    },
  },
};

export default config;
