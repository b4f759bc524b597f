export declare const GUIDE: string;
export declare const BLOCK_START: string;
export declare const BLOCK_END: string;
export declare function connectionFields(sdl: string): Array<{ type: string; field: string; keyArgs: string[] }>;
export declare function typePoliciesSource(sdl: string, root?: string): Promise<string>;
export declare function withBlock(guide: string, source: string): string;
