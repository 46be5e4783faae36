import SiteSource

extension YAMLFields {
    /// An amount in the site's currency, as `Money.parse` reads it.
    func money(_ key: String, log: inout DiagnosticLog) -> Money? {
        guard let node = node(key) else { return nil }
        guard let text = node.scalar?.string else {
            log.add(diagnostic(key, "expected an amount such as 24 or \"24.50\", got \(node.described)"))
            return nil
        }
        switch Money.parse(text) {
        case .success(let money): return money
        case .failure(let problem):
            log.add(diagnostic(key, problem.message))
            return nil
        }
    }
}
