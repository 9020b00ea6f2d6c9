/** The rule registry: an explicit list, in the order the docs present them. */
import type { Rule } from "../types";
import { cacheFromNeverWritten } from "./cache-from-never-written";
import { cacheOverwritesImageTag } from "./cache-overwrites-image-tag";
import { cacheOverwritesOtherImage } from "./cache-overwrites-other-image";
import { cacheOverwrittenByImage } from "./cache-overwritten-by-image";
import { cacheRefImplicitLatest } from "./cache-ref-implicit-latest";
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
  cacheOverwrittenByImage,
  cacheRefImplicitLatest,
];

export {
  cacheFromNeverWritten, cacheOverwritesImageTag, cacheOverwritesOtherImage, cacheOverwrittenByImage, cacheRefImplicitLatest,
  cacheRefUsedAsImage, ghaCacheScopeShared, registryTagHoldsCache,
};
