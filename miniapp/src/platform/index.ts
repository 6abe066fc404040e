/*
 * Type-checking entry only. Taro's build never loads this file: for `import … from './platform'`
 * it picks index.weapp.ts or index.h5.ts, which both export exactly what is declared here.
 */
import type { Platform } from './types'

export * from './types'

export declare const platform: Platform
