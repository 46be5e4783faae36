import ArgumentParser
import Foundation
import LiveStock

struct Live: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep stock and drop states true at the edge: checkout webhooks in, pages out within a second.",
        discussion: """
            A small long-running server for a market's own machine or a tiny VPS. It receives \
            checkout webhooks (POST /hooks/dropgen, /hooks/stripe, /hooks/shopify; each route is on \
            when its secret is set: DROPGEN_WEBHOOK_SECRET, STRIPE_WEBHOOK_SECRET, \
            SHOPIFY_WEBHOOK_SECRET), journals each event on disk before answering 2xx, and applies a \
            burst of them together: the ledger at the target, then the build in --dir updated in \
            place and published. It also rebuilds and publishes at every drop state transition, so \
            drops open and close on time without a CI cron. After a crash it replays its journal \
            (.dropgen-live/<target>/). GET /healthz reports its state. Stop with SIGTERM or Ctrl-C.
            """)

    @OptionGroup var live: LiveTargetOptions

    @Option(name: .long, help: "The address to listen on.")
    var host = "127.0.0.1"

    @OptionGroup var clock: ClockOptions<PreviewClock>

    @Option(name: .long, help: "The port to listen on (0: any free port; the log's `listening=` line names it).")
    var port = 8090

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
    }

    func run() async throws {
        let terminal = Terminal(quiet: true)
        try await runReportingErrors(terminal) {
            // A fixed --now (tests, benchmarks) also stops the transitions: none ever comes.
            let (journal, updater) = try live.updater(now: clock.fixed, terminal: nil)
            let server = LiveServer(configuration: .init(host: host, port: port), sink: updater, journal: journal,
                                    secrets: .environment())
            try await server.run()
        }
    }
}
