import { buildSchema } from 'graphql';
import { uploadFieldPaths } from './upload-fields';

describe('uploadFieldPaths', () => {
  it('finds Upload fields of input types, nested ones by dotted path, and leaves lists and cycles alone', () => {
    const schema = buildSchema(`
      scalar Upload
      input FileInput { organizationId: ID!, file: Upload! }
      input Wrapper { inner: FileInput, note: String }
      input Many { files: [Upload!]! }
      input Loop { next: Loop, file: Upload }
      input Plain { name: String }
      type Query { ok: Boolean }
    `);
    expect(uploadFieldPaths(schema)).toEqual({ FileInput: ['file'], Wrapper: ['inner.file'], Loop: ['file'] });
  });
});
