import { applyDecorators } from '@nestjs/common';
import { isEmail, IsEmail, IsString, Length, MaxLength, ValidateBy, type ValidationOptions } from 'class-validator';

/** The longest e-mail address SMTP carries (RFC 5321: 64 + 1 + 255, rounded as the columns are). */
export const EMAIL_MAX_LENGTH = 320;

/**
 * Characters a reader cannot see, or that reorder what they see: controls, format characters
 * (bidi overrides and isolates U+202A–U+202E, U+2066–U+2069, marks U+200E/U+200F/U+061C, zero-width
 * space and joiners U+200B–U+200D, word joiner U+2060, soft hyphen, BOM…), surrogates, private-use
 * and unassigned code points, every separator (spaces of any width, line and paragraph separators),
 * the "filler" letters that render as blanks (Hangul fillers, the blank Braille pattern), and every
 * other default-ignorable code point and variation selector: the combining grapheme joiner U+034F,
 * the Mongolian and standard variation selectors U+180B–U+180F and U+FE00–U+FE0F, tags and
 * U+E0100–U+E01EF. Those are marks, not format characters, so `\p{C}` misses them, yet
 * `ad\u034Fa@rt.test` shows as ada@rt.test. A plain space is left to the address rule ("must be an
 * e-mail address").
 */
const INVISIBLE = /(?! )[\p{C}\p{Z}\p{Default_Ignorable_Code_Point}\p{Variation_Selector}\u2800]/u;
/**
 * A letter or digit someone can see: what makes a name a name. Marks alone (U+034F, U+FE0F),
 * punctuation and spaces are not one, nor the Hangul fillers (letters that are default-ignorable).
 */
const NAME_CHARACTER = /(?!\p{Default_Ignorable_Code_Point})[\p{L}\p{N}]/u;

const codePoint = (character: string) => `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The first invisible or text-direction character of a string, as U+XXXX, or undefined. */
export function invisibleCharacter(value: string): string | undefined {
  const found = INVISIBLE.exec(value);
  return found ? codePoint(found[0]) : undefined;
}

/**
 * Why a string is not an e-mail address Tessera will store and mail, or undefined when it is one.
 * class-validator's isEmail takes a right-to-left override or a zero-width space inside an
 * address; such an address displays as another one (a spoof in every list and mail), so it is refused.
 */
export function emailAddressProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'must be an e-mail address';
  if (value.length > EMAIL_MAX_LENGTH) return `must be at most ${EMAIL_MAX_LENGTH} characters long`;
  const invisible = invisibleCharacter(value);
  if (invisible) return `must not contain invisible or text-direction characters (it holds ${invisible})`;
  if (!isEmail(value)) return 'must be an e-mail address';
  return undefined;
}

/** What an upload's problem list says of an e-mail cell `emailAddressProblem` refuses. */
export function emailCellMessage(value: string): string {
  const invisible = invisibleCharacter(value);
  return invisible
    ? `Holds an invisible or text-direction character (${invisible}) that would make the address show as another: type it again.`
    : 'Is not an e-mail address.';
}

/**
 * Whether a string has at least one letter or digit a reader can see (not only spaces, zero-width
 * characters, combining marks, variation selectors or punctuation).
 */
export function isNotBlank(value: unknown): boolean {
  return typeof value === 'string' && NAME_CHARACTER.test(value);
}

/**
 * An e-mail address: what class-validator's IsEmail takes, at most 320 characters, without
 * invisible or text-direction characters. The one rule for every input that takes an address
 * (uploads use `emailAddressProblem`). With `{ each: true }` for a list of addresses.
 */
export function IsEmailAddress(options: Pick<ValidationOptions, 'each'> = {}): PropertyDecorator {
  const each = options.each ?? false;
  const prefix = each ? 'each ' : '';
  return applyDecorators(
    IsEmail({}, { each, message: `${prefix}must be an e-mail address` }),
    MaxLength(EMAIL_MAX_LENGTH, { each, message: `${prefix}must be at most ${EMAIL_MAX_LENGTH} characters long` }),
    ValidateBy(
      {
        name: 'isVisibleEmailAddress',
        validator: {
          validate: (value: unknown) => typeof value !== 'string' || !INVISIBLE.test(value),
          defaultMessage: (args) => {
            const values: unknown[] = Array.isArray(args?.value) ? args.value : [args?.value];
            const held = values.map((value) => (typeof value === 'string' ? invisibleCharacter(value) : undefined)).find(Boolean);
            return `${prefix}must not contain invisible or text-direction characters (${held ? `it holds ${held}` : 'such as U+202E or U+200B'})`;
          },
        },
      },
      { each },
    ),
  );
}

/** Text that must show something: at least one letter or digit, not only spaces, marks or zero-width characters. */
export function IsNotBlank(options: Pick<ValidationOptions, 'each'> = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotBlank',
      validator: {
        validate: (value: unknown) => isNotBlank(value),
        defaultMessage: () => `${options.each ? 'each ' : ''}must not be blank (it needs at least one letter or digit)`,
      },
    },
    options,
  );
}

/** A name (of a person, an organisation, a contract, a product…): 1 to `max` characters, with a letter or digit. */
export function IsName(max: number): PropertyDecorator {
  return applyDecorators(IsString(), Length(1, max), IsNotBlank());
}
