/// <reference types="@tarojs/taro" />
declare module '*.png';
declare module '*.css';
declare module '*.scss';

/** The API base URL, injected at build time (config/index.ts). No trailing slash. */
declare const API_BASE: string;

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production';
    TARO_ENV: 'weapp' | 'swan' | 'alipay' | 'h5' | 'rn' | 'tt' | 'qq' | 'jd' | 'harmony' | 'jdrn';
    TARO_APP_ID: string;
  }
}

/** jsbarcode ships no types for its encoders; only CODE128 is imported (not the DOM renderers). */
declare module 'jsbarcode/bin/barcodes/CODE128' {
  export class CODE128 {
    constructor(data: string, options: Record<string, unknown>);
    valid(): boolean;
    /** `data` is a string of '1' (bar) and '0' (space), one character per module. */
    encode(): { data: string; text: string };
  }
}
