import Foundation
import MediaPipeline
import SiteManifest
import SiteSource

/// Media paths as creators write them: relative to the file that names them, never leaving
/// the site folder (not by `..`, not by an absolute path, not through a symlink).
enum MediaPaths {
    static func resolve(_ relative: String, from file: String, root: URL, source: MediaSource, log: inout DiagnosticLog) -> URL? {
        func fail(_ message: String) -> URL? {
            log.add(Diagnostic(file: source.file, line: source.line, column: source.column, key: source.key, message: message))
            return nil
        }
        if let unsafe = LineSafe.firstUnsafe(in: relative) { return fail(LineSafe.unsafeMessage(unsafe)) }
        if relative.hasPrefix("/") || relative.hasPrefix("~") || relative.contains("://") || relative.contains("\\") {
            return fail("must be a path relative to \(URL(fileURLWithPath: file).deletingLastPathComponent().relativePath)/, got \"\(relative)\"")
        }
        if relative.split(separator: "/").contains("..") {
            return fail("must not contain `..`: media lives beside the file that names it, got \"\(relative)\"")
        }
        let folder = root.appendingPathComponent(file).deletingLastPathComponent()
        let url = folder.appendingPathComponent(relative).standardizedFileURL
        let resolved = url.resolvingSymlinksInPath().path
        if SiteFolder(root: root).leaves(url.path) {
            return fail("\"\(relative)\" leaves the site folder (through a symbolic link)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue else {
            let shown = url.path.hasPrefix(root.path + "/") ? String(url.path.dropFirst(root.path.count + 1)) : relative
            return fail("file not found: \(shown)")
        }
        return url
    }
}

/// The bridge from requests found while loading to MediaPipeline plans: output paths and
/// sizes for the pages, jobs for the encoder.
enum MediaPlanning {
    typealias DropMedia = (hero: HeroMedia?, images: [StillMedia], jobs: [MediaJob])

    static func plan(_ item: DropLoader.Loaded, media: MediaPipeline) -> Result<DropMedia, BuildFailed> {
        var diagnostics: [Diagnostic] = []
        var jobs: [MediaJob] = []
        var hero: HeroMedia?
        if let request = item.hero {
            do {
                let plan = try media.planHero(request)
                hero = HeroMedia(clips: plan.clips.map { VideoRef(path: $0.path, width: $0.width, height: $0.height, contentType: $0.sourceType) },
                                 posters: plan.posters.map(imageRef), ogImage: imageRef(plan.ogImage), alt: item.heroAlt)
                jobs += plan.jobs
            } catch {
                diagnostics.append(diagnostic(error, source: request.source))
            }
        }
        var images: [StillMedia] = []
        for image in item.images {
            switch still(image.request, alt: image.alt, media: media) {
            case .success(let (still, stillJobs)):
                images.append(still)
                jobs += stillJobs
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
            }
        }
        return diagnostics.isEmpty ? .success((hero, images, jobs)) : .failure(BuildFailed(diagnostics))
    }

    static func still(_ request: StillRequest, alt: String, media: MediaPipeline) -> Result<(StillMedia, [MediaJob]), Diagnostic> {
        do {
            let plan = try media.planStill(request)
            let still = StillMedia(variants: plan.variants.map(imageRef), width: plan.width, height: plan.height,
                                   placeholder: plan.placeholder, alt: alt)
            return .success((still, plan.jobs))
        } catch {
            return .failure(diagnostic(error, source: request.source))
        }
    }

    static func imageRef(_ file: ImageFile) -> ImageRef {
        ImageRef(path: file.path, width: file.width, height: file.height, contentType: file.contentType)
    }

    static func diagnostic(_ error: any Error, source: MediaSource) -> Diagnostic {
        if let error = error as? MediaError {
            return Diagnostic(file: error.file, line: error.line, column: error.column, key: error.key, message: error.message)
        }
        return Diagnostic(file: source.file, line: source.line, column: source.column, key: source.key, message: "\(error)")
    }
}
