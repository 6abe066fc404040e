/**
 * The largest avatar the server takes, decoded: AVATAR_MAX_BYTES of @wemember/shared, whose module
 * brings zod with it and so stays out of the bundle. Checked before uploading, to say so at once.
 */
export const AVATAR_MAX_BYTES = 256 * 1024
