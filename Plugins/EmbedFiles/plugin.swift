import Foundation
import PackagePlugin

/// Builds the folders a target ships (SiteBuilder: the default theme and the scaffold files) into
/// its code: `EmbeddedFiles.swift`, one base64 string per file, keyed by its path in the target
/// (`Theme/templates/drop.mustache`). The executable then needs no resource bundle, so it runs
/// from any folder after the build folder is gone.
///
/// A prebuild command, so that the script itself lists the folders on every build: a file added
/// or removed is picked up without a change here. It writes the source again only when its bytes
/// change, so an unchanged theme recompiles nothing. Names are limited to what needs no escaping
/// in a Swift string literal; any other name stops the build, naming the file.
@main
struct EmbedFiles: BuildToolPlugin {
    /// The folders of a target that are embedded, relative to the target's own folder.
    static let folders = ["SiteBuilder": ["Theme", "Scaffold/Files"]]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let folders = Self.folders[target.name] else { return [] }
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        let script = #"""
            set -euo pipefail
            root=$1 out=$2; shift 2
            cd "$root"
            mkdir -p "$out"
            entries=$(find "$@" -type f ! -path '*/.*' -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' path; do
                case $path in
                    *[!A-Za-z0-9._/@+-]*) echo "error: EmbedFiles: $root/$path: an embedded file's name may hold only letters, digits and ._/@+-" >&2; exit 1 ;;
                esac
                printf '        "%s": "%s",\n' "$path" "$(base64 -w0 "$path")"
            done)
            {
                echo "// Generated at build time by the EmbedFiles plugin (Plugins/EmbedFiles) from $*; not in git."
                echo "enum EmbeddedFiles {"
                echo "    /// Each file's path in the target (\"Theme/templates/drop.mustache\") → its bytes in base64."
                echo "    static let base64: [String: String] = ["
                if [ -n "$entries" ]; then printf '%s\n' "$entries"; else echo "        :"; fi
                echo "    ]"
                echo "}"
            } > "$out/EmbeddedFiles.swift.tmp"
            if cmp -s "$out/EmbeddedFiles.swift.tmp" "$out/EmbeddedFiles.swift"; then
                rm "$out/EmbeddedFiles.swift.tmp"
            else
                mv "$out/EmbeddedFiles.swift.tmp" "$out/EmbeddedFiles.swift"
            fi
            """#
        return [.prebuildCommand(
            displayName: "Embedding \(folders.joined(separator: ", ")) in \(target.name)",
            executable: URL(filePath: "/bin/bash"),
            arguments: ["-c", script, "bash", target.directoryURL.path, output.path] + folders,
            outputFilesDirectory: output)]
    }
}
