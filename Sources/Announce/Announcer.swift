import Crypto
import Foundation
import Publisher
import SiteManifest

/// Announces what changed at a publish target since the last run: compares the live catalog
/// with the ledger's snapshot, records every new event for every channel that wants it, then
/// sends what is pending, channel by channel, and keeps each pinned catalog true.
///
/// Never twice: each send is recorded as intended (`sending`) in the ledger at the target before
/// the request leaves, and as sent after. A run that finds an intent without a result (it was
/// killed between the two) cannot know whether the message went out: Discord and Telegram offer
/// no way to ask, so those deliveries become `unconfirmed` and are not sent again (at most once);
/// the webhook, whose receiver deduplicates by `X-Dropgen-Event`, is sent again (at least once).
/// A pinned catalog's edit is repeated (an edit is idempotent); a create cut short is made again.
///
/// Never blocking: `run` throws only when the catalog or the ledger cannot be read or written
/// (or when cancelled); a channel that fails leaves its deliveries pending for the next run.
public struct Announcer: Sendable {
    public var config: AnnounceConfig
    public var templates: MessageTemplates
    public var store: AnnouncementStore
    public var transport: any AnnounceTransport
    public var environment: [String: String]
    public var clock: @Sendable () -> Date
    public var sleep: @Sendable (TimeInterval) async throws -> Void
    /// Requests per message in one run (the first included), for 5xx and lost connections.
    public var attemptsPerRun = 4
    /// Runs a delivery is tried in before it is given up.
    public static let maxAttempts = 8
    /// The longest one 429 is waited for; a longer `retry_after` leaves the channel for the next run.
    public var maxRetryAfter: TimeInterval = 30
    /// The most a whole run waits on rate limits and backoff.
    public var waitBudget: TimeInterval = 60

    public init(config: AnnounceConfig, templates: MessageTemplates, target: any PublishTarget,
                transport: any AnnounceTransport = HTTPTransport(),
                environment: [String: String] = ProcessInfo.processInfo.environment,
                clock: @escaping @Sendable () -> Date = { Date() },
                sleep: @escaping @Sendable (TimeInterval) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }) {
        self.config = config
        self.templates = templates
        self.store = AnnouncementStore(target: target)
        self.transport = transport
        self.environment = environment
        self.clock = clock
        self.sleep = sleep
    }

    // MARK: - The run

    public func run(catalog: LiveCatalog, dryRun: Bool = false) async throws -> AnnounceReport {
        var report = AnnounceReport(target: store.target.displayName, dryRun: dryRun)
        let now = RFC3339.format(clock())
        guard var ledger = try await store.read() else {
            report.baseline = true
            if !dryRun { try await store.write(AnnouncementLedger(baselineAt: now, drops: EventDiff.snapshot(catalog))) }
            return report
        }
        let original = ledger
        report.unconfirmed = recover(&ledger).map(item)
        let events = EventDiff.events(before: ledger.drops, after: catalog, lastUnits: config.lastUnits)
        report.events = events.map(\.id)
        for event in events {
            for channel in config.channels where channel.wants(event.kind) && !ledger.knows(event.id, channel: channel.name) {
                ledger.deliveries.append(.init(event: event, channel: channel.name, status: .pending, attempts: 0))
            }
        }
        report.superseded = supersede(&ledger, catalog: catalog).map(item)
        ledger.drops = EventDiff.snapshot(catalog)
        if dryRun {
            try preview(ledger, catalog: catalog, into: &report)
            return report
        }
        // The events are recorded before any is sent: a run killed now sends them next time. A
        // run that changes nothing writes nothing (a re-deploy costs the ledger's one read).
        if ledger != original {
            ledger.updatedAt = now
            try await store.write(ledger)
        }
        let beforeDelivery = ledger
        var budget = WaitBudget(left: waitBudget)
        for channel in config.channels {
            let (driver, missing) = ChannelDrivers.make(channel, environment: environment)
            if !missing.isEmpty {
                report.skipped[channel.name] = missing.map { "$\($0) is not set" }.joined(separator: ", ")
                continue
            }
            try await deliver(driver, ledger: &ledger, catalog: catalog, budget: &budget, report: &report)
        }
        if ledger != beforeDelivery {
            ledger.updatedAt = now
            try await store.write(ledger)
        }
        collect(ledger, into: &report)
        return report
    }

    /// Intents without a result, left by a run that stopped between sending and recording.
    func recover(_ ledger: inout AnnouncementLedger) -> [AnnouncementLedger.Delivery] {
        var unconfirmed: [AnnouncementLedger.Delivery] = []
        for index in ledger.deliveries.indices where ledger.deliveries[index].status == .sending {
            let resends = config.channels.first { $0.name == ledger.deliveries[index].channel }.map {
                ChannelDrivers.make($0, environment: [:]).0.resendsUnconfirmed
            } ?? false
            ledger.deliveries[index].status = resends ? .pending : .unconfirmed
            ledger.deliveries[index].lastError = "a run stopped between sending and recording"
            if !resends { unconfirmed.append(ledger.deliveries[index]) }
        }
        for name in ledger.catalogs.keys where ledger.catalogs[name]?.status == .sending {
            ledger.catalogs[name]?.status = .pending
        }
        return unconfirmed
    }

    /// Pending deliveries that are no longer true: early access, an opening or last units of a
    /// drop that has sold out or closed since, a scheduled drop that is gone or open.
    func supersede(_ ledger: inout AnnouncementLedger, catalog: LiveCatalog) -> [AnnouncementLedger.Delivery] {
        var states: [String: String] = [:]
        for drop in catalog.drops { states[drop.slug] = drop.state }
        var dropped: [AnnouncementLedger.Delivery] = []
        for index in ledger.deliveries.indices where ledger.deliveries[index].status == .pending {
            let event = ledger.deliveries[index].event
            let state = states[event.drop.slug] ?? "gone"
            let stale: Bool = switch event.kind {
            case .scheduled: state != "scheduled"
            case .earlyAccess, .opened, .lastUnits: !["early_access", "live"].contains(state)
            case .soldOut: !["sold_out"].contains(state)
            case .closed: false
            }
            guard stale else { continue }
            ledger.deliveries[index].status = .superseded
            ledger.deliveries[index].lastError = "the drop is \(state) now"
            dropped.append(ledger.deliveries[index])
        }
        return dropped
    }

    private func deliver(_ driver: any ChannelDriver, ledger: inout AnnouncementLedger, catalog: LiveCatalog,
                         budget: inout WaitBudget, report: inout AnnounceReport) async throws {
        let name = driver.channel.name
        let site = catalog.site
        for index in ledger.deliveries.indices where ledger.deliveries[index].channel == name && ledger.deliveries[index].status == .pending {
            if ledger.deliveries[index].attempts >= Self.maxAttempts {
                ledger.deliveries[index].status = .failed
                report.failed.append(item(ledger.deliveries[index]))
                continue
            }
            let request: OutboundRequest
            do {
                request = try driver.eventRequest(ledger.deliveries[index].event, site: site, templates: templates)
            } catch {
                ledger.deliveries[index].status = .failed
                ledger.deliveries[index].lastError = "\(error)"
                report.failed.append(item(ledger.deliveries[index]))
                continue
            }
            ledger.deliveries[index].status = .sending
            ledger.deliveries[index].attempts += 1
            try await store.write(ledger)
            let result = try await send(request, driver, budget: &budget)
            switch result {
            case let .delivered(id):
                ledger.deliveries[index].status = .sent
                ledger.deliveries[index].messageID = id
                ledger.deliveries[index].sentAt = RFC3339.format(clock())
                ledger.deliveries[index].lastError = nil
                report.sent.append(item(ledger.deliveries[index]))
            case let .unknown(why):
                ledger.deliveries[index].status = driver.resendsUnconfirmed ? .pending : .unconfirmed
                ledger.deliveries[index].lastError = why
                if !driver.resendsUnconfirmed { report.unconfirmed.append(item(ledger.deliveries[index])) }
            case let .refused(why, _), let .throttled(why), let .unreachable(why):
                ledger.deliveries[index].status = ledger.deliveries[index].attempts >= Self.maxAttempts ? .failed : .pending
                ledger.deliveries[index].lastError = why
                if ledger.deliveries[index].status == .failed { report.failed.append(item(ledger.deliveries[index])) }
            }
            if case let .unreachable(why) = result {
                report.skipped[name] = why
                return
            }
            if case let .throttled(why) = result {
                report.skipped[name] = why
                return
            }
        }
        if driver.channel.pinnedCatalog {
            try await keepCatalog(driver, ledger: &ledger, catalog: catalog, budget: &budget, report: &report)
        }
    }

    /// Creates the channel's catalog message once, then edits it whenever what it shows changed.
    private func keepCatalog(_ driver: any ChannelDriver, ledger: inout AnnouncementLedger, catalog: LiveCatalog,
                             budget: inout WaitBudget, report: inout AnnounceReport) async throws {
        let name = driver.channel.name
        var pinned = ledger.catalogs[name] ?? .init(messageID: nil, digest: nil, status: .pending)
        let editing = pinned.messageID
        var request = try driver.catalogRequest(catalog, editing: editing, templates: templates)
        let digest = Self.digest(try driver.catalogRequest(catalog, editing: nil, templates: templates))
        if pinned.status == .sent && pinned.digest == digest && editing != nil {
            report.catalogs.append(.init(channel: name, action: .unchanged, messageID: editing))
            return
        }
        pinned.status = .sending
        ledger.catalogs[name] = pinned
        try await store.write(ledger)
        var result = try await send(request, driver, budget: &budget)
        if case .refused(_, missing: true) = result, editing != nil {
            // The message was deleted: post a new one.
            pinned.messageID = nil
            request = try driver.catalogRequest(catalog, editing: nil, templates: templates)
            result = try await send(request, driver, budget: &budget)
        }
        switch result {
        case let .delivered(id):
            let created = pinned.messageID == nil
            pinned.messageID = created ? id : pinned.messageID
            pinned.digest = digest
            pinned.status = created && id == nil ? .pending : .sent
            pinned.lastError = created && id == nil ? "the answer named no message id" : nil
            report.catalogs.append(.init(channel: name, action: created ? .created : .edited, messageID: pinned.messageID))
        case let .unknown(why), let .refused(why, _), let .throttled(why), let .unreachable(why):
            pinned.status = .pending
            pinned.lastError = why
            report.catalogs.append(.init(channel: name, action: .pending, messageID: pinned.messageID, error: why))
        }
        ledger.catalogs[name] = pinned
    }

    static func digest(_ request: OutboundRequest) -> String {
        SHA256.hash(data: request.body).hex
    }

    // MARK: - Sending

    enum SendResult: Equatable {
        case delivered(String?)
        /// The channel answered with an error: nothing was posted.
        case refused(String, missing: Bool)
        /// A 429 asking for longer than this run may wait.
        case throttled(String)
        /// No connection could be made: nothing was posted, and the channel is left for this run.
        case unreachable(String)
        /// The request may have been received, but no answer came back.
        case unknown(String)
    }

    struct WaitBudget {
        var left: TimeInterval
    }

    /// One request, retried within the run: a 429 after its `retry_after` (bounded), a 5xx after
    /// a backoff; a lost answer only where the channel deduplicates.
    func send(_ request: OutboundRequest, _ driver: any ChannelDriver, budget: inout WaitBudget) async throws -> SendResult {
        let policy = RetryPolicy(maxAttempts: attemptsPerRun, baseDelay: 0.5, maxDelay: 8, maxRetryAfter: maxRetryAfter)
        var last = SendResult.refused("not sent", missing: false)
        for attempt in 1...policy.maxAttempts {
            let response: InboundResponse
            do {
                response = try await transport.execute(request)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                switch RetryPolicy.classify(error) {
                case .unreachable:
                    return .unreachable("cannot connect to the channel")
                case .transient:
                    last = .unknown("no answer (\(Self.describe(error)))")
                    guard driver.resendsUnconfirmed, attempt < policy.maxAttempts else { return last }
                    let delay = policy.delay(afterAttempt: attempt, retryAfter: nil)
                    guard budget.left >= delay else { return last }
                    budget.left -= delay
                    try await sleep(delay)
                    continue
                }
            }
            if (200..<300).contains(response.status) { return .delivered(driver.messageID(from: response)) }
            if driver.isUnchanged(response) { return .delivered(nil) }
            if response.status == 429 {
                let wait = driver.retryAfter(response) ?? 1
                last = .throttled("rate limited for \(Self.seconds(wait)) s")
                guard wait <= maxRetryAfter, wait <= budget.left, attempt < policy.maxAttempts else { return last }
                budget.left -= max(0, wait)
                try await sleep(max(0, wait))
                continue
            }
            last = .refused(driver.errorText(response), missing: driver.isMissingMessage(response))
            guard response.status >= 500, attempt < policy.maxAttempts else { return last }
            let delay = policy.delay(afterAttempt: attempt, retryAfter: nil)
            guard budget.left >= delay else { return last }
            budget.left -= delay
            try await sleep(delay)
        }
        return last
    }

    /// An HTTP client error in a few words, never its URL.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: type(of: error))
        return MessageText.clipped(text, to: 60)
    }

    static func seconds(_ value: TimeInterval) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }

    // MARK: - Reporting

    private func item(_ delivery: AnnouncementLedger.Delivery) -> AnnounceReport.Item {
        .init(channel: delivery.channel, event: delivery.event.id, kind: delivery.event.kind.rawValue, drop: delivery.event.drop.slug,
              messageID: delivery.messageID, error: delivery.lastError)
    }

    private func collect(_ ledger: AnnouncementLedger, into report: inout AnnounceReport) {
        for delivery in ledger.deliveries where delivery.status == .pending || delivery.status == .sending {
            report.pending.append(item(delivery))
        }
        for (name, pinned) in ledger.catalogs.sorted(by: { $0.key < $1.key })
        where pinned.status == .pending && !report.catalogs.contains(where: { $0.channel == name }) {
            report.catalogs.append(.init(channel: name, action: .pending, messageID: pinned.messageID, error: pinned.lastError))
        }
    }

    /// `--dry-run`: the requests this run would send, built exactly as a real run builds them.
    private func preview(_ ledger: AnnouncementLedger, catalog: LiveCatalog, into report: inout AnnounceReport) throws {
        for channel in config.channels {
            let (driver, missing) = ChannelDrivers.make(channel, environment: environment)
            if !missing.isEmpty { report.skipped[channel.name] = missing.map { "$\($0) is not set" }.joined(separator: ", ") }
            for delivery in ledger.deliveries where delivery.channel == channel.name && delivery.status == .pending {
                let request = try driver.eventRequest(delivery.event, site: catalog.site, templates: templates)
                report.messages.append(.init(channel: channel.name, event: delivery.event.id, request: request.display, body: request.prettyBody))
                report.sent.append(item(delivery))
            }
            guard channel.pinnedCatalog else { continue }
            let pinned = ledger.catalogs[channel.name]
            let request = try driver.catalogRequest(catalog, editing: pinned?.messageID, templates: templates)
            let digest = Self.digest(try driver.catalogRequest(catalog, editing: nil, templates: templates))
            if pinned?.status == .sent && pinned?.digest == digest && pinned?.messageID != nil {
                report.catalogs.append(.init(channel: channel.name, action: .unchanged, messageID: pinned?.messageID))
                continue
            }
            report.messages.append(.init(channel: channel.name, event: nil, request: request.display, body: request.prettyBody))
            report.catalogs.append(.init(channel: channel.name, action: pinned?.messageID == nil ? .created : .edited,
                                         messageID: pinned?.messageID))
        }
    }
}
