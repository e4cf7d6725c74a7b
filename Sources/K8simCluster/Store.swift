/// A keyed store with O(1) insert, lookup and removal, and an iteration order that depends
/// only on the operations made (a removal moves the last element into the gap), so runs
/// stay reproducible. Ordered collections from swift-collections remove in O(n), which
/// makes a 150,000-pod rollout quadratic.
public struct SlotMap<Value>: Sequence {
    private var positions: [String: Int] = [:]
    public private(set) var keys: [String] = []
    public private(set) var values: [Value] = []

    public init() {}

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }

    public subscript(key: String) -> Value? {
        get { positions[key].map { values[$0] } }
        set {
            if let newValue {
                if let i = positions[key] {
                    values[i] = newValue
                } else {
                    positions[key] = values.count
                    keys.append(key)
                    values.append(newValue)
                }
            } else {
                removeValue(forKey: key)
            }
        }
    }

    public mutating func reserveCapacity(_ n: Int) {
        positions.reserveCapacity(n)
        keys.reserveCapacity(n)
        values.reserveCapacity(n)
    }

    /// Where `key` is stored, for reading or changing it in place through `values`/`modify(at:)`
    /// without hashing the key again.
    public func index(forKey key: String) -> Int? { positions[key] }

    /// Changes the value at a position `index(forKey:)` gave.
    public mutating func modify<R>(at i: Int, _ body: (inout Value) -> R) -> R { body(&values[i]) }

    /// Reads a stored value in place: a large value is not copied, which matters in loops
    /// over every pod of a ReplicaSet.
    public func withValue<R>(_ key: String, _ body: (Value) -> R) -> R? {
        guard let i = positions[key] else { return nil }
        return body(values[i])
    }

    /// Changes a stored value in place (no copy of the value).
    @discardableResult
    public mutating func modify<R>(_ key: String, _ body: (inout Value) -> R) -> R? {
        guard let i = positions[key] else { return nil }
        return body(&values[i])
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

    public func makeIterator() -> Zip2Sequence<[String], [Value]>.Iterator { zip(keys, values).makeIterator() }
}

extension SlotMap: Equatable where Value: Equatable {
    public static func == (a: SlotMap, b: SlotMap) -> Bool { a.keys == b.keys && a.values == b.values }
}

extension SlotMap: Sendable where Value: Sendable {}

/// A set of keys with O(1) insert and removal and a reproducible order (see `SlotMap`).
public struct SlotSet: Sequence, Sendable, Equatable {
    private var positions: [String: Int] = [:]
    public private(set) var elements: [String] = []

    public init() {}

    public var count: Int { elements.count }
    public var isEmpty: Bool { elements.isEmpty }
    public func contains(_ key: String) -> Bool { positions[key] != nil }

    public mutating func reserveCapacity(_ n: Int) {
        positions.reserveCapacity(n)
        elements.reserveCapacity(n)
    }

    public mutating func append(_ key: String) {
        guard positions[key] == nil else { return }
        positions[key] = elements.count
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

    public func makeIterator() -> IndexingIterator<[String]> { elements.makeIterator() }

    public static func == (a: SlotSet, b: SlotSet) -> Bool { a.elements == b.elements }
}

extension SlotSet: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: String...) {
        self.init()
        for e in elements { append(e) }
    }
}

extension SlotMap: Codable where Value: Codable {
    enum CodingKeys: String, CodingKey { case keys, values }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let keys = try c.decode([String].self, forKey: .keys)
        let values = try c.decode([Value].self, forKey: .values)
        guard keys.count == values.count, Set(keys).count == keys.count else {
            throw DecodingError.dataCorruptedError(forKey: .keys, in: c, debugDescription: "keys and values do not match")
        }
        self.init()
        for (k, v) in zip(keys, values) { self[k] = v }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(keys, forKey: .keys)
        try c.encode(values, forKey: .values)
    }
}

extension SlotSet: Codable {
    public init(from decoder: Decoder) throws {
        self.init()
        for e in try decoder.singleValueContainer().decode([String].self) { append(e) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(elements)
    }
}

/// An append-only array kept in chunks of 4,096. A copy of the cluster (the undo copy a `wait`
/// keeps) shares the chunks, so the next append copies one chunk and the list of chunks instead
/// of every element: with 600,000 events a plain array made each `wait` after a big rollout
/// copy them all.
public struct ChunkedArray<Element>: RandomAccessCollection {
    // Inlinable so that the interpreter's loops over events are specialized, not generic.
    @usableFromInline static var chunkShift: Int { 12 }
    @usableFromInline static var chunkSize: Int { 1 << chunkShift }
    @usableFromInline var chunks: [[Element]] = []
    public private(set) var count = 0

    public init() {}

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable public subscript(i: Int) -> Element { chunks[i >> Self.chunkShift][i & (Self.chunkSize - 1)] }

    public mutating func append(_ element: Element) {
        if chunks.isEmpty || chunks[chunks.count - 1].count == Self.chunkSize {
            chunks.append([])
        }
        chunks[chunks.count - 1].append(element)
        count += 1
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

extension ChunkedArray: Codable where Element: Codable {
    public init(from decoder: Decoder) throws {
        self.init()
        for e in try decoder.singleValueContainer().decode([Element].self) { append(e) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Array(self))
    }
}
