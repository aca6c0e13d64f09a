import { describePlatformRepoCycle } from "./platformRepoCycle";

// The whole users' road on a file backend (pulumi login file://...), the DIY backend of a laptop or a CI cache.
describePlatformRepoCycle("file", { full: true });
