import type { Change } from '@graphql-inspector/core';

export interface SchemaCheck {
  changes: Change[];
  unlisted: Change[];
}

export declare function schemaChanges(baseSdl: string, currentSdl: string): Promise<Change[]>;
export declare function changeName(change: Change): string;
export declare function unreleasedBreakingList(changelog: string): string;
export declare function isListed(name: string, breakingList: string): boolean;
export declare function checkSchemaChanges(input: { baseSdl: string; currentSdl: string; changelog: string }): Promise<SchemaCheck>;
export declare function describeCheck(check: SchemaCheck, baseLabel: string): { passed: boolean; lines: string[] };
