import Foundation

/// The browser side of live reload. Injected only into HTML the preview server sends, never
/// into built files: `public/` stays exactly what the edge will serve.
enum LiveReload {
    static let eventsPath = "/_dropgen/events"

    /// Reloads on `reload`, and on `changed` when the list names this page; after a server
    /// restart, or a missed event, the `hello` generation differs, so it reloads too.
    static let script = """
        <script>(()=>{let g=null;const s=new EventSource("\(eventsPath)");\
        s.addEventListener("hello",e=>{if(g!==null&&g!==e.data)location.reload();g=e.data});\
        s.addEventListener("reload",()=>location.reload());\
        s.addEventListener("changed",e=>{const d=JSON.parse(e.data);g=String(d.generation);\
        if(d.paths.includes(decodeURIComponent(location.pathname)))location.reload()});})();</script>
        """

    /// Before `</body>` when there is one, else at the end.
    static func inject(into html: Data) -> Data {
        let marker = Data("</body>".utf8)
        guard let range = html.range(of: marker, options: .backwards) else { return html + Data(script.utf8) }
        var result = html
        result.replaceSubrange(range.lowerBound..<range.lowerBound, with: Data(script.utf8))
        return result
    }

    /// Shown for page requests while the site does not build.
    static func errorPage(_ diagnostics: String) -> Data {
        let escaped = diagnostics.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Build failed · dropgen</title>
            <style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
            h1{color:#b00020}pre{background:#fff4f4;border-left:4px solid #b00020;padding:1rem;overflow:auto;white-space:pre-wrap}</style>
            </head><body><h1>The site does not build</h1>
            <p>Fix these problems and save; this page reloads by itself.</p>
            <pre>\(escaped)</pre>
            </body></html>
            """
        return inject(into: Data(html.utf8))
    }
}
