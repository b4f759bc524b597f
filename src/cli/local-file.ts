import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import { BadUserInputError } from '@tessera/common';

/** The size of a file the operator named; one that cannot be read is bad input on --file. */
export async function fileSize(path: string): Promise<number> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw BadUserInputError.field('file', `${path} cannot be read (${error.code ?? error.message}).`);
  });
  if (!info.isFile()) throw BadUserInputError.field('file', `${path} is not a file.`);
  return info.size;
}

/** A file on disk, handed to a service as the API's multipart upload hands one over. */
export async function localUpload(path: string): Promise<FileUpload> {
  await fileSize(path);
  return { filename: basename(path), mimetype: 'text/csv', encoding: '7bit', createReadStream: () => createReadStream(path) };
}
