import { BadUserInputError } from '../errors/app-error';

/**
 * The file of a multipart upload. A broken upload (a malformed part, a name with a NUL byte, a
 * client that went away) is the uploader's problem: BAD_USER_INPUT on the field, never a 500.
 */
export async function uploadedFile<T>(upload: Promise<T> | T, field = 'file'): Promise<T> {
  try {
    const file = await upload;
    if (!file) throw new Error('no file was sent');
    return file;
  } catch (error) {
    throw BadUserInputError.field(field, `could not be received: ${error instanceof Error ? error.message : String(error)}`);
  }
}
