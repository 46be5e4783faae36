import Foundation

extension MediaPipeline {
    /// Deletes cached files that none of `outputPaths` (paths from plans, e.g.
    /// `media/mug-960.0123abcd4567ef89.webp`) names, with their placeholders and any temp files
    /// a killed run left behind. Returns the deleted cache file names, sorted.
    public func pruneCache(keeping outputPaths: Set<String>) throws -> [String] {
        let keep = Set(outputPaths.map { $0.split(separator: "/").last.map(String.init) ?? $0 })
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: cacheDirectory.path)
        } catch CocoaError.fileReadNoSuchFile {
            return []
        } catch {
            if !FileManager.default.fileExists(atPath: cacheDirectory.path) { return [] }
            throw MediaError(file: cacheDirectory.path, key: "media", message: "cannot list the cache: \(error.localizedDescription)")
        }
        var removed: [String] = []
        for name in names.sorted() {
            let owner = name.hasSuffix(".lqip") ? String(name.dropLast(5)) : name
            if keep.contains(owner), !name.hasPrefix(".tmp-") { continue }
            do {
                try FileManager.default.removeItem(at: cacheDirectory.appendingPathComponent(name))
                removed.append(name)
            } catch {
                throw MediaError(file: cacheDirectory.path, key: "media", message: "cannot delete \(name): \(error.localizedDescription)")
            }
        }
        return removed
    }
}
