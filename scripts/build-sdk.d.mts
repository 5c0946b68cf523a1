// Types of build-sdk.mjs (imported by the tests and the bench).
/** Where the SDK is built: web/sdk/dist. */
export declare const SDK_DIST: string;
/** Builds every SDK file; returns the output directory. */
export declare function buildSdk(): Promise<string>;
