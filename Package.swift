// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "dropgen",
    products: [
        .executable(name: "dropgen", targets: ["dropgen"]),
        .library(name: "SiteBuilder", targets: ["SiteBuilder"]),
        .library(name: "MediaPipeline", targets: ["MediaPipeline"]),
        .library(name: "Publisher", targets: ["Publisher"]),
        .library(name: "SiteSource", targets: ["SiteSource"]),
        .library(name: "TemplateKit", targets: ["TemplateKit"]),
        .library(name: "SiteManifest", targets: ["SiteManifest"]),
        .library(name: "StockLedger", targets: ["StockLedger"]),
        .library(name: "LiveStock", targets: ["LiveStock"]),
        .library(name: "MarketReport", targets: ["MarketReport"]),
        .library(name: "EdgeProbe", targets: ["EdgeProbe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", .upToNextMinor(from: "2.1.1")),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // EdgeProbe times each phase of a request itself (DNS, connect, TLS, first byte).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(name: "CCmarkGFM", pkgConfig: "libcmark-gfm",
                       providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // HEIC, HEIF and AVIF stills, decoded in-process.
        .systemLibrary(name: "CHeif", pkgConfig: "libheif", providers: [.apt(["libheif-dev"])]),
        .executableTarget(
            name: "dropgen",
            dependencies: [
                "SiteBuilder", "SiteManifest", "SiteSource", "MediaPipeline", "Publisher", "PreviewServer",
                "StockLedger", "LiveStock", "MarketReport", "EdgeProbe", "Announce",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(
            name: "SiteBuilder",
            dependencies: [
                "CCmarkGFM", "CZlib", "MediaPipeline", "SiteManifest", "SiteSource", "StockLedger", "TemplateKit",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The default theme, and the files `init` and `new drop` write: built into the code by
            // the EmbedFiles plugin (no resource bundle, so the executable runs from anywhere).
            exclude: ["Theme", "Scaffold/Files"],
            plugins: ["EmbedFiles"]),
        .target(
            name: "SiteManifest",
            dependencies: ["SourceRevision", .product(name: "Crypto", package: "swift-crypto")]),
        // The git revision that `DropgenVersion` reports, written before every build; linked into
        // SiteManifest but not imported by it, so a commit recompiles only this target.
        .target(name: "SourceRevision", plugins: ["DropgenRevision"]),
        .plugin(name: "DropgenRevision", capability: .buildTool()),
        // Writes SiteBuilder's Theme/ and Scaffold/Files/ into its code before every build.
        .plugin(name: "EmbedFiles", capability: .buildTool()),
        // What reads what a person wrote: diagnostics, front matter, YAML fields.
        .target(
            name: "SiteSource",
            dependencies: ["SiteManifest", .product(name: "Yams", package: "Yams")]),
        // The Mustache engine: no dependency on the rest of dropgen.
        .target(name: "TemplateKit"),
        .target(
            name: "MediaPipeline",
            dependencies: [
                "CHeif", "CWebP", "SiteManifest",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "Publisher",
            dependencies: [
                "SiteManifest", "SiteSource",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        // Stock as values and the local write-ahead journal: no I/O beyond the journal's folder.
        .target(
            name: "StockLedger",
            dependencies: ["SiteManifest", "SiteSource", .product(name: "Crypto", package: "swift-crypto")]),
        // Drop announcements in Discord, Telegram and webhooks: events, the ledger at a target, the pinned catalog.
        .target(
            name: "Announce",
            dependencies: [
                "SiteManifest", "SiteSource", "Publisher", "TemplateKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        // Live drops: the ledger at a target, webhooks, the live server, the stock update pipeline.
        .target(
            name: "LiveStock",
            dependencies: [
                "StockLedger", "Publisher", "SiteBuilder", "SiteManifest", "SiteSource", "Announce",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        .target(
            name: "PreviewServer",
            dependencies: [
                "SiteManifest", "SiteSource", "SiteBuilder", "StockLedger",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        // The first-byte probe: one fresh connection per request, every phase timed.
        .target(
            name: "EdgeProbe",
            dependencies: [
                "SiteManifest",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        // `dropgen report`: the market's metrics from data/ as a self-contained HTML report.
        .target(
            name: "MarketReport",
            dependencies: ["SiteBuilder", "SiteManifest", "SiteSource", "StockLedger", "EdgeProbe"]),
        .testTarget(
            name: "SiteBuilderTests",
            dependencies: [
                "SiteBuilder", "SiteManifest", "SiteSource", "MediaPipeline", "Publisher", "StockLedger",
                "TemplateKit",
                .product(name: "Yams", package: "Yams"),
            ],
            // Read by path (#filePath), not bundled.
            exclude: ["Golden"]),
        .testTarget(
            name: "TemplateKitTests",
            dependencies: ["TemplateKit", .product(name: "Mustache", package: "swift-mustache")],
            // The mustache spec's JSON files, read by path (#filePath), not bundled.
            exclude: ["MustacheSpec"]),
        .testTarget(name: "MediaPipelineTests", dependencies: ["MediaPipeline", "CHeif", "CWebP"]),
        .testTarget(name: "SiteManifestTests", dependencies: ["SiteManifest"]),
        .testTarget(
            name: "PublisherTests",
            dependencies: ["Publisher", "SiteManifest", "SiteSource", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "StockLedgerTests",
            dependencies: ["StockLedger", "SiteManifest", "SiteSource", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "LiveStockTests",
            dependencies: [
                "LiveStock", "StockLedger", "Publisher", "SiteManifest", "SiteSource",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .testTarget(
            name: "AnnounceTests",
            dependencies: [
                "Announce", "LiveStock", "Publisher", "SiteBuilder", "SiteManifest", "SiteSource", "StockLedger",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        .testTarget(
            name: "dropgenTests",
            dependencies: ["dropgen", "Publisher", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "MarketReportTests",
            dependencies: ["MarketReport", "SiteBuilder", "SiteManifest", "EdgeProbe"]),
        .testTarget(
            name: "EdgeProbeTests",
            dependencies: [
                "EdgeProbe", "SiteManifest",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .testTarget(
            name: "PreviewServerTests",
            dependencies: [
                "PreviewServer", "SiteBuilder", "SiteManifest", "StockLedger",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
    ]
)
