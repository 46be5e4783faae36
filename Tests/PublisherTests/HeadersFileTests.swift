import Foundation
import SiteSource
import Testing
@testable import Publisher

/// The `_headers` a folder target writes: pattern rules in a bounded number of lines, each file
/// getting exactly the headers its own rule gave it, none that a key or a header value can add,
/// and dropgen's own folders kept private.
@Suite struct HeadersFileTests {
    @Test func keysAndValuesCannotAddRules() {
        let objects = [
            RemoteObject(key: "index.html", size: 1, contentType: "text/html", cacheControl: "no-cache"),
            RemoteObject(key: "robots.txt", size: 1, contentType: "text/plain", cacheControl: "no-cache"),
            RemoteObject(key: "a b/\t\r\n/x:y\nSet-Cookie: k=v.txt", size: 1, contentType: "text/plain", cacheControl: "max-age=1\r\nX-Evil: 1"),
            RemoteObject(key: ".dropgen/deploys/1.json", size: 1, contentType: "application/json", cacheControl: "no-cache"),
        ]
        #expect(LocalFolderTarget.headersFileText(objects) == """
            # Written by dropgen publish: the same cache rules as every other target.
            /
              Cache-Control: no-cache
              Content-Type: text/html
            /*.html
              Cache-Control: no-cache
              Content-Type: text/html
            /a%20b/%09%0D%0A/x:y%0ASet-Cookie:%20k=v.txt
              Cache-Control: max-age=1  X-Evil: 1
              Content-Type: text/plain
            /robots.txt
              Cache-Control: no-cache
              Content-Type: text/plain
            /.dropgen/*
              Cache-Control: no-store
              X-Robots-Tag: noindex
            /.dropgen-meta/*
              Cache-Control: no-store
              X-Robots-Tag: noindex

            """)
    }

    /// A site of 10,000 drops, with a folder mixing cache classes (live stock beside the pages)
    /// and files sharing an ending with other headers: at most 100 rules (Cloudflare Pages reads
    /// no more) of lines of at most 2,000 characters, and every URL of every file gets from the
    /// pattern rules exactly the headers its own rule gave it, whether a host's `*` may match
    /// nothing or not; dropgen's own files only their private rule.
    @Test func patternRulesOnALargeSite() {
        let objects = HeaderRulesModel.largeSite(drops: 10_000)
        let rules = LocalFolderTarget.headerRules(objects)
        #expect(rules.count <= 100, "\(rules.count) rules")
        let text = LocalFolderTarget.headersFileText(objects)
        #expect(text.split(separator: "\n").allSatisfy { $0.utf8.count <= 2000 })
        #expect(rules.map(\.path) == ["/", "/*.css", "/*.html", "/*.ics", "/*.js", "/*.mp4", "/*.svg", "/*.txt", "/*.webp", "/*/",
                                       "/_redirects", "/catalog.json", "/creators/*.json", "/drops/*.json", "/feed.xml",
                                       "/sitemap.xml", "/.dropgen/*", "/.dropgen-meta/*"])
        let reference = HeaderRulesModel.Rules(HeaderRulesModel.objectRules(objects))
        let patterns = HeaderRulesModel.Rules(rules)
        for splatMayBeEmpty in [true, false] {
            var differ: [String] = []
            for url in HeaderRulesModel.urls(objects) {
                let got = HeaderRulesModel.headers(for: url, rules: patterns, splatMayBeEmpty: splatMayBeEmpty)
                let want = HeaderRulesModel.headers(for: url, rules: reference, splatMayBeEmpty: splatMayBeEmpty)
                if got != want { differ.append("\(url): \(got) instead of \(want)") }
            }
            #expect(differ.isEmpty, "\(differ.prefix(5))")
        }
        // The sidecars are never listed, but a pattern must not reach them either.
        let sidecar = HeaderRulesModel.headers(for: "/.dropgen-meta/index.html.json", rules: rules, splatMayBeEmpty: true)
        #expect(sidecar == ["Cache-Control: no-store", "X-Robots-Tag: noindex"])
    }

    /// Publish settings that reach request lines, headers and rule files refuse what would split them.
    @Test(arguments: [
        ("    x: { url: \"s3://b/p\\nX-Evil: 1\" }", "url", "contains U+000A (a line feed)"),
        ("    x: { url: \"file://out dir\" }", "url", "contains U+0020 (a space)"),
        ("    x: { url: \"s3://b/p\", endpoint: \"http://127.0.0.1:1/\\r\" }", "endpoint", "contains U+000D (a carriage return)"),
        ("    x: { url: \"s3://b/p\", purge_url: \"https://purge.example/\\t\" }", "purge_url", "contains U+0009 (a tab)"),
    ])
    func publishURLsRefuseWhiteSpaceAndControls(_ target: String, _ key: String, _ problem: String) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-headers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("publish:\n  default: x\n  targets:\n\(target)\n".utf8).write(to: root.appendingPathComponent("dropgen.yaml"))
        do {
            _ = try PublishConfig.load(siteRoot: root)
            Issue.record("accepted \(target)")
        } catch let failure as BuildFailed {
            let error = try #require(failure.diagnostics.first)
            #expect(error.key == "publish.targets.x.\(key)")
            #expect(error.message == "\(problem); URLs and paths cannot hold white space or control characters")
        }
    }

    @Test func htmlCacheControlIsOneLine() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-headers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("publish:\n  html_cache_control: \"no-cache\\r\\nSet-Cookie: a=b\"\n".utf8).write(to: root.appendingPathComponent("dropgen.yaml"))
        #expect(throws: BuildFailed.self) { _ = try PublishConfig.load(siteRoot: root) }
    }
}
