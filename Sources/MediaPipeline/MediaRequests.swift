import Foundation

/// `hero: { video, start, duration, poster_at }` from a drop's front matter.
public struct HeroRequest: Sendable, Codable {
    public var source: MediaSource
    /// Absolute file URL, already resolved against the drop's folder.
    public var video: URL
    public var start: Double
    public var duration: Double
    /// Seconds from the start of the source video; `nil` means `start + 0.5`.
    public var posterAt: Double?
    /// Lines of the individual keys (`video`, `start`, `duration`, `poster_at`), when known;
    /// errors fall back to `source.line`.
    public var lines: [String: Int]
    /// Columns of the same keys, when known.
    public var columns: [String: Int]

    public init(source: MediaSource, video: URL, start: Double, duration: Double, posterAt: Double? = nil,
                lines: [String: Int] = [:], columns: [String: Int] = [:]) {
        self.source = source
        self.video = video
        self.start = start
        self.duration = duration
        self.posterAt = posterAt
        self.lines = lines
        self.columns = columns
    }
}

/// What a hero clip becomes; every path and size is final before any encoding.
public struct HeroPlan: Sendable {
    /// MP4 first, then WebM when enabled.
    public var clips: [VideoFile]
    /// Widest first.
    public var posters: [ImageFile]
    /// 1200×630 JPEG for `og:image`.
    public var ogImage: ImageFile
    public var jobs: [MediaJob]

    public init(clips: [VideoFile], posters: [ImageFile], ogImage: ImageFile, jobs: [MediaJob]) {
        self.clips = clips
        self.posters = posters
        self.ogImage = ogImage
        self.jobs = jobs
    }
}

/// One entry of `images:`.
public struct StillRequest: Sendable, Codable {
    public var source: MediaSource
    /// Absolute file URL, already resolved against the drop's folder.
    public var image: URL

    public init(source: MediaSource, image: URL) {
        self.source = source
        self.image = image
    }
}

/// What a still becomes; every path and size is final before any encoding.
public struct StillPlan: Sendable {
    /// Narrowest first; never wider than the original.
    public var variants: [ImageFile]
    /// Size of the widest variant (for `width`/`height` attributes; the aspect ratio of the original).
    public var width: Int
    public var height: Int
    /// A tiny blurred WebP as a `data:image/webp;base64,…` URI, under 1 KB.
    public var placeholder: String
    public var jobs: [MediaJob]

    public init(variants: [ImageFile], width: Int, height: Int, placeholder: String, jobs: [MediaJob]) {
        self.variants = variants
        self.width = width
        self.height = height
        self.placeholder = placeholder
        self.jobs = jobs
    }
}

/// The result of `process`, one entry per distinct output file.
public struct MediaReport: Sendable {
    public struct Entry: Sendable, Equatable {
        public var path: String
        /// Taken from the cache instead of encoded.
        public var cacheHit: Bool
        public var bytes: Int

        public init(path: String, cacheHit: Bool, bytes: Int) {
            self.path = path
            self.cacheHit = cacheHit
            self.bytes = bytes
        }
    }

    /// Output paths, sorted.
    public var files: [String]
    public var encoded: Int
    public var cacheHits: Int
    /// Sorted by path.
    public var entries: [Entry]

    public init(files: [String], encoded: Int, cacheHits: Int, entries: [Entry]) {
        self.files = files
        self.encoded = encoded
        self.cacheHits = cacheHits
        self.entries = entries
    }
}
