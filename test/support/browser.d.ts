// Types of browser.js (plain JavaScript: jest.config.js reads it too).
export declare function chromiumPath(): string;
export declare function hasChromium(): boolean;
export declare const BROWSER_SPECS: string;
export declare function missingBrowser(): string;
