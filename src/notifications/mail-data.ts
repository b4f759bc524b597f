/** What templates know of a person: names and address, never more. */
export function recipientData(user: { firstName: string; lastName: string; email: string }): Record<string, string> {
  return { firstName: user.firstName, lastName: user.lastName, email: user.email };
}

/** Dates in mail: 2026-12-31, the same for every reader. */
export function mailDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
