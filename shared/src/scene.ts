/**
 * wxacode.getUnlimited `scene`: at most 32 visible characters, only digits, letters and
 * !#$&'()*+,/:;=?@-._~ (WeChat's getwxacodeunlimit, docs/wechat.md §F). Our store codes use a short token of
 * [A-Za-z0-9] so they survive every encoder on the way.
 */
export const SCENE_MAX_LENGTH = 32;
export const SCENE_CHARSET = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$/;
export const STORE_SCENE = /^[0-9A-Za-z]{4,16}$/;

export function isValidScene(scene: string): boolean {
  return scene.length > 0 && scene.length <= SCENE_MAX_LENGTH && SCENE_CHARSET.test(scene);
}
