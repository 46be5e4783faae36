import Foundation

/// The event ids this server has journaled (and those the journal held at start), so a
/// redelivery is answered `{"duplicate": true}` without writing it again. Bounded: the oldest
/// ids are forgotten past `limit`; a redelivery of a forgotten one is journaled again, which is
/// harmless, since the ledger applies an id once.
///
/// An id being written by one request is neither new nor a duplicate for another: that one waits
/// for the write, so it never acknowledges an event that then fails to reach the disk.
actor SeenEvents {
    private enum State {
        case durable
        case writing([CheckedContinuation<Bool, Never>])
    }

    private let limit: Int
    private var states: [String: State] = [:]
    /// Durable ids, oldest first, from `head` on.
    private var order: [String] = []
    private var head = 0

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Ids already in the journal.
    func remember(_ ids: [String]) {
        for id in ids where states[id] == nil { markDurable(id) }
    }

    /// The ids of `ids` that the caller must write (first occurrence each): neither journaled nor
    /// being written. Waits for ids that another request is writing; if that write fails, the id
    /// is the caller's to write. Call `settle` for what it returns.
    func claim(_ ids: [String]) async -> [String] {
        var claimed: [String] = []
        var mine = Set<String>()
        for id in ids where !mine.contains(id) {
            while true {
                switch states[id] {
                case .durable?:
                    break
                case .writing(var waiting)?:
                    let durable = await withCheckedContinuation { continuation in
                        waiting.append(continuation)
                        states[id] = .writing(waiting)
                    }
                    if !durable { continue }
                case nil:
                    states[id] = .writing([])
                    claimed.append(id)
                    mine.insert(id)
                }
                break
            }
        }
        return claimed
    }

    /// After the journal write of claimed `ids`: `durable` if it reached the disk.
    func settle(_ ids: [String], durable: Bool) {
        for id in ids {
            guard case .writing(let waiting)? = states[id] else { continue }
            if durable { markDurable(id) } else { states[id] = nil }
            for continuation in waiting { continuation.resume(returning: durable) }
        }
    }

    private func markDurable(_ id: String) {
        states[id] = .durable
        order.append(id)
        while order.count - head > limit {
            states[order[head]] = nil
            head += 1
        }
        if head > 4096 && head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
