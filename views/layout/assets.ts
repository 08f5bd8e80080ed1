/** Bumped with each release so browsers may cache static files forever. */
export const ASSET_VERSION = '24'
