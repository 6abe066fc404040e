import { z } from 'zod';

/** Where the mini-program was opened from: resolved from a store code's `scene`. */
export const storeSceneSchema = z.object({
  scene: z.string(),
  storeId: z.string(),
  storeName: z.string(),
  staffName: z.string().nullable(),
  channel: z.string(),
});
export type StoreScene = z.infer<typeof storeSceneSchema>;

export const storeSummarySchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  regionId: z.string(),
  regionName: z.string(),
  scene: z.string(),
});
export type StoreSummary = z.infer<typeof storeSummarySchema>;

/** What the H5 build needs at run time. `sandboxUrl` is null when the server talks to real WeChat. */
export const platformConfigSchema = z.object({
  appid: z.string(),
  sandboxUrl: z.string().nullable(),
});
export type PlatformConfig = z.infer<typeof platformConfigSchema>;
