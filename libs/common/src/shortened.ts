/**
 * The first `max` UTF-16 units of `value` and an ellipsis, when it is longer. Never ends on the
 * first half of a surrogate pair: half an emoji is not Unicode, and PostgreSQL's jsonb refuses it.
 */
export function shortened(value: string, max: number): string {
  if (value.length <= max) return value;
  const last = value.charCodeAt(max - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? max - 1 : max;
  return `${value.slice(0, end)}…`;
}
