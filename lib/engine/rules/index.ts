/** The rule registry: an explicit list, in the order the docs present them. */
import type { Rule } from "../types";
import { cacheFromNeverWritten } from "./cache-from-never-written";
import { cacheOverwritesImageTag } from "./cache-overwrites-image-tag";
import { cacheOverwritesOtherImage } from "./cache-overwrites-other-image";
import { cacheOverwrittenByImage } from "./cache-overwritten-by-image";
import { cacheRefImplicitLatest } from "./cache-ref-implicit-latest";
import { cacheRefUsedAsImage } from "./cache-ref-used-as-image";
import { ghaCacheBuildkitTooOld } from "./gha-cache-buildkit-too-old";
import { ghaCacheNearQuota } from "./gha-cache-near-quota";
import { ghaCacheScopeShared } from "./gha-cache-scope-shared";
import { ghaCacheTokenMissing } from "./gha-cache-token-missing";
import { registryRejectsCacheFormat } from "./registry-rejects-cache-format";
import { registryTagHoldsCache } from "./registry-tag-holds-cache";
import { untrustedCacheWrite } from "./untrusted-cache-write";

export const rules: Rule[] = [
  cacheOverwritesImageTag,
  cacheOverwritesOtherImage,
  cacheRefUsedAsImage,
  registryTagHoldsCache,
  ghaCacheScopeShared,
  cacheFromNeverWritten,
  cacheOverwrittenByImage,
  cacheRefImplicitLatest,
  registryRejectsCacheFormat,
  untrustedCacheWrite,
  ghaCacheBuildkitTooOld,
  ghaCacheTokenMissing,
  ghaCacheNearQuota,
];

export {
  cacheFromNeverWritten, cacheOverwritesImageTag, cacheOverwritesOtherImage, cacheOverwrittenByImage, cacheRefImplicitLatest,
  cacheRefUsedAsImage, ghaCacheBuildkitTooOld, ghaCacheNearQuota, ghaCacheScopeShared, ghaCacheTokenMissing, registryRejectsCacheFormat, registryTagHoldsCache,
  untrustedCacheWrite,
};
