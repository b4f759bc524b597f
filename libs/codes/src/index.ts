export { Alphabet, AlphabetError, DEFAULT_ALPHABET_CHARS, MIN_ALPHABET_SIZE } from './alphabet';
export { checkCharacter, hasValidCheckCharacter } from './check-character';
export { CodeFormatError, MAX_PREFIX_LENGTH, MAX_WIDTH, MIN_WIDTH, matchesFormat, randomWidth, validateFormat } from './code-format';
export type { CodeFormat, CodeFormatField } from './code-format';
export { CodeGenerator } from './generator';
export { describeGuessRisk, guessRisk, smallestSafeRandomWidth } from './keyspace';
export type { GuessRisk } from './keyspace';
export { IMPORTED_CODE_PATTERN, displayCode, isWellFormedImportedCode, normalizeCode } from './normalize';
