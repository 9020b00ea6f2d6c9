/** The rule registry: an explicit list, in the order the docs present them. */
import type { Rule } from "../types";
import { cacheFromNeverWritten } from "./cache-from-never-written";
import { cacheOverwritesImageTag } from "./cache-overwrites-image-tag";
import { cacheOverwritesOtherImage } from "./cache-overwrites-other-image";
import { cacheRefUsedAsImage } from "./cache-ref-used-as-image";
import { ghaCacheScopeShared } from "./gha-cache-scope-shared";
import { registryTagHoldsCache } from "./registry-tag-holds-cache";

export const rules: Rule[] = [
  cacheOverwritesImageTag,
  cacheOverwritesOtherImage,
  cacheRefUsedAsImage,
  registryTagHoldsCache,
  ghaCacheScopeShared,
  cacheFromNeverWritten,
];

export {
  cacheFromNeverWritten, cacheOverwritesImageTag, cacheOverwritesOtherImage, cacheRefUsedAsImage, ghaCacheScopeShared,
  registryTagHoldsCache,
};
