import Testing
@testable import Publisher

/// The `_headers` a folder target writes: one rule per object, none that a key or a header value
/// can add, and dropgen's own folders kept private.
@Suite struct HeadersFileTests {
    @Test func keysAndValuesCannotAddRules() {
        let objects = [
            RemoteObject(key: "index.html", size: 1, contentType: "text/html", cacheControl: "no-cache"),
            RemoteObject(key: "a b/\t\r\n/x:y\nSet-Cookie: k=v.txt", size: 1, contentType: "text/plain", cacheControl: "max-age=1\r\nX-Evil: 1"),
            RemoteObject(key: ".dropgen/deploys/1.json", size: 1, contentType: "application/json", cacheControl: "no-cache"),
        ]
        #expect(LocalFolderTarget.headersFileText(objects) == """
            # Written by dropgen publish: the same cache rules as every other target.
            /
              Cache-Control: no-cache
              Content-Type: text/html
            /a%20b/%09%0D%0A/x:y%0ASet-Cookie:%20k=v.txt
              Cache-Control: max-age=1  X-Evil: 1
              Content-Type: text/plain
            /index.html
              Cache-Control: no-cache
              Content-Type: text/html
            /.dropgen/*
              Cache-Control: no-store
              X-Robots-Tag: noindex
            /.dropgen-meta/*
              Cache-Control: no-store
              X-Robots-Tag: noindex

            """)
    }
}
