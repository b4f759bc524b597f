import { QueryFailedError } from 'typeorm';

/** Whether a database error is a unique violation of this index or constraint (a race the database settled). */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const driverError = (error instanceof QueryFailedError ? error.driverError : {}) as { code?: string; constraint?: string };
  return driverError.code === '23505' && driverError.constraint === constraint;
}
