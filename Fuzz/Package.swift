// swift-tools-version:6.1
// libFuzzer targets for dropgen's parsers. A package of its own so that the main build and tests
// never see it: built by scripts/fuzz.sh (`make fuzz`) into ../.build-fuzz with
// `-sanitize=fuzzer,address`. Debug builds compile dropgen's modules with -enable-testing, so
// the targets reach internal parsers through `@testable import` instead of making them public.
import PackageDescription

/// One executable per parser: libFuzzer links a single `LLVMFuzzerTestOneInput` per binary.
/// Each folder Sources/<name> is one target, fuzz-<name>, with its corpus in Corpus/<name>.
let targets: [(name: String, dependencies: [Target.Dependency])] = [
    ("yaml", [.product(name: "SiteSource", package: "dropgen"), .product(name: "Yams", package: "Yams")]),
    ("front-matter", [.product(name: "SiteSource", package: "dropgen")]),
    ("template", [.product(name: "TemplateKit", package: "dropgen")]),
    ("csv", [.product(name: "SiteBuilder", package: "dropgen")]),
    ("rfc3339", [.product(name: "SiteManifest", package: "dropgen")]),
    ("duration", [.product(name: "Publisher", package: "dropgen")]),
    // PreviewServer is not a product of dropgen; its range parser is one Foundation-only file,
    // compiled here from a symlink to Sources/PreviewServer/ByteRange.swift.
    ("byte-range", []),
    ("s3-xml", [.product(name: "Publisher", package: "dropgen")]),
    ("deploy-record", [.product(name: "Publisher", package: "dropgen")]),
    ("stock-ledger", [.product(name: "StockLedger", package: "dropgen")]),
    ("stock-file", [.product(name: "StockLedger", package: "dropgen")]),
    // LiveStock needs Hummingbird (swift-nio) and swift-crypto, far too much to build under the
    // sanitizers for three parsers: their Foundation/StockLedger-only files are symlinks to
    // Sources/LiveStock/Webhooks/, with WebhookRoute's Payload and WebhookRejection copied.
    ("webhook", [.product(name: "StockLedger", package: "dropgen"), .product(name: "SiteManifest", package: "dropgen")]),
]

let package = Package(
    name: "dropgen-fuzz",
    dependencies: [
        .package(name: "dropgen", path: ".."),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: targets.map { .executableTarget(name: "fuzz-\($0.name)", dependencies: $0.dependencies, path: "Sources/\($0.name)") }
)
