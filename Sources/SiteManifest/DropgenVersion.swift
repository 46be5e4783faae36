/// Which dropgen this is: printed by `dropgen --version`, recorded in `.dropgen/build.json` and
/// in every `--json` report (`"dropgen"`), so a CI log says which dropgen made a site.
public enum DropgenVersion {
    /// The release number; raised by hand with each release.
    public static let version = "0.9.0"
    /// The short git hash of the source the executable was built from, or "unknown" when it was
    /// built outside a git checkout. Written at build time by the `DropgenRevision` plugin
    /// (Plugins/DropgenRevision) into the SourceRevision target, linked in but not imported: a
    /// new commit then recompiles that one file, not every module that imports this one.
    public static let revision: String = dropgenSourceRevision()
    /// "0.9.0 (f9651bf)".
    public static var description: String { "\(version) (\(revision))" }
}

/// Defined in SourceRevision's generated file.
@_silgen_name("dropgen_source_revision")
private func dropgenSourceRevision() -> String
