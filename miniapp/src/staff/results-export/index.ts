/*
 * Type-checking entry only. Taro's build picks index.h5.ts (a download in the browser) or
 * index.weapp.ts (no download: a phone has nowhere to open a CSV), which both export what is
 * declared here.
 */

/** Whether this build can download a campaign's results as a CSV file. */
export declare const canExportResults: boolean

/** Downloads `GET /staff/campaigns/:id/results/export?days=` as the file the server names. */
export declare function exportResults(campaignId: string, days: number): Promise<void>
