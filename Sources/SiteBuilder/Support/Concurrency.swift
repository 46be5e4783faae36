import Foundation

/// Maps in parallel with at most `width` tasks in flight; results keep the input order so the
/// output never depends on scheduling.
func concurrentMap<Input: Sendable, Output: Sendable>(
    _ items: [Input], width: Int = ProcessInfo.processInfo.activeProcessorCount,
    _ transform: @escaping @Sendable (Input) async -> Output
) async -> [Output] {
    guard items.count > 1 else { return await items.asyncMap(transform) }
    return await withTaskGroup(of: (Int, Output).self) { group in
        var results = [Output?](repeating: nil, count: items.count)
        var next = 0
        for _ in 0..<min(max(width, 1), items.count) {
            let index = next, item = items[index]
            group.addTask { (index, await transform(item)) }
            next += 1
        }
        while let (index, output) = await group.next() {
            results[index] = output
            if next < items.count {
                let index = next, item = items[index]
                group.addTask { (index, await transform(item)) }
                next += 1
            }
        }
        return results.map { $0! }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async -> T) async -> [T] {
        var results: [T] = []
        results.reserveCapacity(count)
        for element in self { results.append(await transform(element)) }
        return results
    }
}

/// Maps on every core from synchronous code (no task to suspend), results in input order: for
/// per-drop work that must finish before anything else can start.
func concurrentlyMapped<Input, Output>(_ items: [Input], _ transform: (Input) -> Output) -> [Output] {
    let workers = Swift.min(ProcessInfo.processInfo.activeProcessorCount, items.count)
    guard workers > 1 else { return items.map(transform) }
    return [Output](unsafeUninitializedCapacity: items.count) { buffer, count in
        let output = UncheckedSendable(buffer)
        withoutActuallyEscaping(transform) { transform in
            let work = UncheckedSendable((items, transform))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let (items, transform) = work.value
                for index in stride(from: worker, to: items.count, by: workers) {
                    (output.value.baseAddress! + index).initialize(to: transform(items[index]))
                }
            }
        }
        count = items.count
    }
}

/// Splits work into chunks so that tiny per-item tasks do not drown in scheduling overhead.
func chunked<T>(_ items: [T], into count: Int) -> [[T]] {
    guard !items.isEmpty else { return [] }
    let size = Swift.max(1, (items.count + count - 1) / count)
    return stride(from: 0, to: items.count, by: size).map { Array(items[$0..<Swift.min($0 + size, items.count)]) }
}

/// Values computed once on first use and shared by concurrent readers.
final class Memo<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Key: Value] = [:]

    func value(for key: Key, _ make: () -> Value) -> Value {
        if let known = lock.withLock({ values[key] }) { return known }
        let made = make()
        lock.withLock { values[key] = made }
        return made
    }
}

/// A count shared by concurrent tasks, for progress.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// Adds and returns the new total.
    func add(_ amount: Int) -> Int { lock.withLock { value += amount; return value } }
}

/// A value handed to parallel workers that use it without overlapping (each writes its own
/// elements of a buffer, say): the compiler cannot see that, so the wrapper says it.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
