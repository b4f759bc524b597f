/**
 * Characters that make a spreadsheet read a cell as a formula (CSV injection), and the apostrophe
 * itself, so that a value that really starts with one survives the round trip.
 */
const FORMULA_START = /^[=+\-@\t\r']/;

/** A cell value a spreadsheet shows as text: a leading apostrophe defuses formulas. */
export function csvSafe(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The value csvSafe was given, from what it wrote (a cell read back from the exported file). */
export function undoCsvSafe(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
