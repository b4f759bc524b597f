export declare const ROOT: string;
export declare const BUILD_STAMP: string;
export declare function staleBuildReason(entry: string, root?: string): string | undefined;
export declare function stampBuild(root?: string): void;
