/// A keyed store with O(1) insert, lookup and removal, and an iteration order that depends
/// only on the operations made (a removal moves the last element into the gap), so runs
/// stay reproducible. Ordered collections from swift-collections remove in O(n), which
/// makes a 150,000-pod rollout quadratic.
///
/// Values and keys live in chunks and the key index in shards, so that after a copy (the undo
/// copy a `wait` keeps) a change copies one chunk and one shard, not 150,000 pods.
public struct SlotMap<Value>: Sequence {
    private var positions = ShardedIndex()
    public private(set) var keys = ChunkedArray<String>()
    public private(set) var values = ChunkedArray<Value>()

    public init() {}

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }

    public subscript(key: String) -> Value? {
        get { positions[key].map { values[$0] } }
        set {
            if let newValue {
                if let i = insertNew(key, newValue) { values[i] = newValue }
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Adds a value under a new key and returns nil; if the key is taken, changes nothing and
    /// returns its position. One look-up of the key.
    public mutating func insertNew(_ key: String, _ value: Value) -> Int? {
        if let taken = positions.insertIfAbsent(key, values.count) { return taken }
        keys.append(key)
        values.append(value)
        return nil
    }

    public mutating func reserveCapacity(_ n: Int) { positions.reserveCapacity(n) }

    /// Where `key` is stored, for reading or changing it in place through `values`/`modify(at:)`
    /// without hashing the key again.
    public func index(forKey key: String) -> Int? { positions[key] }

    /// Changes the value at a position `index(forKey:)` gave.
    public mutating func modify<R>(at i: Int, _ body: (inout Value) -> R) -> R { values.modify(at: i, body) }

    /// Reads a stored value in place: a large value is not copied, which matters in loops
    /// over every pod of a ReplicaSet.
    public func withValue<R>(_ key: String, _ body: (Value) -> R) -> R? {
        guard let i = positions[key] else { return nil }
        return values.withElement(at: i, body)
    }

    /// Changes a stored value in place (no copy of the value).
    @discardableResult
    public mutating func modify<R>(_ key: String, _ body: (inout Value) -> R) -> R? {
        guard let i = positions[key] else { return nil }
        return values.modify(at: i, body)
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> Value? {
        guard let i = positions.removeValue(forKey: key) else { return nil }
        let removed = values[i]
        let last = values.count - 1
        if i != last {
            values[i] = values[last]
            keys[i] = keys[last]
            positions[keys[i]] = i
        }
        values.removeLast()
        keys.removeLast()
        return removed
    }

    public func makeIterator() -> Zip2Sequence<ChunkedArray<String>, ChunkedArray<Value>>.Iterator { zip(keys, values).makeIterator() }
}

extension SlotMap: Equatable where Value: Equatable {
    public static func == (a: SlotMap, b: SlotMap) -> Bool { a.keys == b.keys && a.values == b.values }
}

extension SlotMap: Sendable where Value: Sendable {}

/// A set of keys with O(1) insert and removal and a reproducible order (see `SlotMap`).
public struct SlotSet: Sequence, Sendable, Equatable {
    private var positions = ShardedIndex()
    public private(set) var elements = ChunkedArray<String>()

    public init() {}

    public var count: Int { elements.count }
    public var isEmpty: Bool { elements.isEmpty }
    public func contains(_ key: String) -> Bool { positions[key] != nil }

    public mutating func reserveCapacity(_ n: Int) { positions.reserveCapacity(n) }

    public mutating func append(_ key: String) {
        guard positions.insertIfAbsent(key, elements.count) == nil else { return }
        elements.append(key)
    }

    public mutating func remove(_ key: String) {
        guard let i = positions.removeValue(forKey: key) else { return }
        let last = elements.count - 1
        if i != last {
            elements[i] = elements[last]
            positions[elements[i]] = i
        }
        elements.removeLast()
    }

    public func makeIterator() -> IndexingIterator<ChunkedArray<String>> { elements.makeIterator() }

    public static func == (a: SlotSet, b: SlotSet) -> Bool { a.elements == b.elements }
}

/// Keys in the order they came, each at most once, with O(1) append and removal (a removal
/// leaves a hole that iteration skips). The scheduler's queues: an `OrderedSet` hashed each
/// of 150,000 new pod keys with SipHash and removed in O(n).
public struct KeyQueue: Sequence, Sendable, Equatable {
    private var order: [String?] = []
    private var positions = StringTable()

    public init() {}

    public var count: Int { positions.count }
    public var isEmpty: Bool { positions.count == 0 }
    public func contains(_ key: String) -> Bool { positions.value(forKey: key, hash: StringTable.hash(key)) != nil }

    public mutating func append(_ key: String) {
        guard positions.insertIfAbsent(order.count, forKey: key, hash: StringTable.hash(key)) == nil else { return }
        order.append(key)
    }

    public mutating func remove(_ key: String) {
        guard let i = positions.removeValue(forKey: key, hash: StringTable.hash(key)) else { return }
        order[i] = nil
        if positions.count == 0 {
            order.removeAll(keepingCapacity: true)
        } else if order.count > 64 && order.count > 2 * positions.count {
            // Mostly holes: close them up, so a queue that never empties stays its size.
            let keys = Array(self)
            removeAll()
            for k in keys { append(k) }
        }
    }

    public mutating func removeAll() {
        order.removeAll(keepingCapacity: true)
        positions = StringTable()
    }

    public mutating func reserveCapacity(_ n: Int) {
        order.reserveCapacity(n)
        positions.reserveCapacity(n)
    }

    public struct Iterator: IteratorProtocol {
        var base: IndexingIterator<[String?]>
        public mutating func next() -> String? {
            while let slot = base.next() {
                if let key = slot { return key }
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator { Iterator(base: order.makeIterator()) }

    public static func == (a: KeyQueue, b: KeyQueue) -> Bool { a.elementsEqual(b) }
}

/// A set of keys kept in order, written as a list literal. (Indices and queues are never
/// saved: a loaded cluster rebuilds them.)
public protocol KeyList: ExpressibleByArrayLiteral, Sequence where Element == String, ArrayLiteralElement == String {
    init()
    mutating func append(_ key: String)
}

extension KeyList {
    public init(arrayLiteral elements: String...) {
        self.init()
        for e in elements { append(e) }
    }
}

extension KeyQueue: KeyList {}
extension SlotSet: KeyList {}

/// Key → position. Past a few thousand keys it splits into 256 tables by the key's hash, so
/// that a change after a copy copies one of them: one table of 150,000 keys took a node
/// failure 100 ms to copy.
struct ShardedIndex: Sendable {
    private var shards: [StringTable] = [StringTable()]
    private static let splitAt = 4096
    private static let shardCount = 256

    /// The shard from the hash's high bits; a table places keys by its low bits.
    @inline(__always) private func shard(_ h: UInt64) -> Int {
        shards.count == 1 ? 0 : Int(truncatingIfNeeded: h >> 50) & (Self.shardCount - 1)
    }

    subscript(key: String) -> Int? {
        get {
            let h = StringTable.hash(key)
            return shards[shard(h)].value(forKey: key, hash: h)
        }
        set {
            if let newValue {
                let h = StringTable.hash(key)
                shards[shard(h)].updateValue(newValue, forKey: key, hash: h)
                splitIfLarge()
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Stores `value` under `key` unless the key is there; returns the value already there.
    /// One probe.
    mutating func insertIfAbsent(_ key: String, _ value: Int) -> Int? {
        let h = StringTable.hash(key)
        if let old = shards[shard(h)].insertIfAbsent(value, forKey: key, hash: h) { return old }
        splitIfLarge()
        return nil
    }

    @discardableResult
    mutating func removeValue(forKey key: String) -> Int? {
        let h = StringTable.hash(key)
        return shards[shard(h)].removeValue(forKey: key, hash: h)
    }

    mutating func reserveCapacity(_ n: Int) {
        if shards.count == 1 && n > Self.splitAt { split() }
        let each = shards.count == 1 ? n : n / Self.shardCount + n / (4 * Self.shardCount)
        for i in shards.indices { shards[i].reserveCapacity(each) }
    }

    private mutating func splitIfLarge() {
        if shards.count == 1 && shards[0].count > Self.splitAt { split() }
    }

    private mutating func split() {
        let all = shards[0]
        shards = Array(repeating: StringTable(), count: Self.shardCount)
        all.forEach { key, h, value in shards[shard(h)].updateValue(value, forKey: key, hash: h) }
    }
}



/// An array kept in chunks of 256. A copy of the cluster (the undo copy a `wait`
/// keeps) shares the chunks, so the next append copies one chunk and the list of chunks instead
/// of every element: with 600,000 events a plain array made each `wait` after a big rollout
/// copy them all.
public struct ChunkedArray<Element>: RandomAccessCollection, MutableCollection {
    // Inlinable so that the interpreter's loops over events are specialized, not generic.
    @usableFromInline static var chunkShift: Int { 8 }
    @usableFromInline static var chunkSize: Int { 1 << chunkShift }
    @usableFromInline var chunks: [[Element]] = []
    public private(set) var count = 0

    public init() {}

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable public subscript(i: Int) -> Element {
        get { chunks[i >> Self.chunkShift][i & (Self.chunkSize - 1)] }
        set { chunks[i >> Self.chunkShift][i & (Self.chunkSize - 1)] = newValue }
    }

    /// Reads an element in place (no copy of a large value).
    @inlinable public func withElement<R>(at i: Int, _ body: (Element) -> R) -> R { body(chunks[i >> Self.chunkShift][i & (Self.chunkSize - 1)]) }

    /// Changes an element in place: after a copy, only its chunk is copied.
    @inlinable public mutating func modify<R>(at i: Int, _ body: (inout Element) -> R) -> R {
        body(&chunks[i >> Self.chunkShift][i & (Self.chunkSize - 1)])
    }

    public mutating func append(_ element: Element) {
        if chunks.isEmpty || chunks[chunks.count - 1].count == Self.chunkSize {
            // The first chunk grows as a small array would; later ones are made full size.
            var chunk: [Element] = []
            if !chunks.isEmpty { chunk.reserveCapacity(Self.chunkSize) }
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(element)
        count += 1
    }

    public mutating func removeLast() {
        guard count > 0 else { return }
        chunks[chunks.count - 1].removeLast()
        if chunks[chunks.count - 1].isEmpty { chunks.removeLast() }
        count -= 1
    }
}

extension ChunkedArray: Sendable where Element: Sendable {}

extension ChunkedArray: Equatable where Element: Equatable {
    public static func == (a: ChunkedArray, b: ChunkedArray) -> Bool { a.elementsEqual(b) }
}

extension ChunkedArray: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: Element...) {
        self.init()
        for e in elements { append(e) }
    }
}
