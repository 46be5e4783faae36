// The revision dropgen is built from: `dropgenSourceRevision()`, written into this target at build
// time by the DropgenRevision plugin (Plugins/DropgenRevision). SiteManifest's DropgenVersion
// calls it by its symbol name without importing this module, so a new commit recompiles this one
// generated file and relinks, instead of every module that imports SiteManifest.
