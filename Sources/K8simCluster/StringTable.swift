/// String → Int with open addressing and linear probing, each slot keeping its key's 64-bit
/// hash. Pod keys share a long prefix (`default/web-7d4b9c8f6-`), so a `Dictionary`, which
/// compares the key of every slot it probes, spent its time comparing those prefixes byte by
/// byte; here a key is compared only when the hashes match. The hash is a fixed function of
/// the bytes (no per-process seed), which keeps nothing about the order observable anyway:
/// callers iterate their own arrays, never this table.
struct StringTable: Sendable {
    /// 0 marks an empty slot; a stored hash always has its top bit set.
    private var hashes: [UInt64] = []
    private var keys: [String] = []
    private var values: [Int] = []
    private(set) var count = 0

    init() {}

    var capacity: Int { hashes.count }

    /// A 64-bit hash of the key's UTF-8 bytes, eight at a time.
    static func hash(_ key: String) -> UInt64 {
        let h = key.utf8.withContiguousStorageIfAvailable(hash(buffer:)) ?? hash(bytes: Array(key.utf8))
        return h | (1 << 63)
    }

    /// The same function as `hash(bytes:)`, reading whole words where it can.
    private static func hash(buffer: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = buffer.baseAddress else { return hash(bytes: buffer) }
        let raw = UnsafeRawPointer(base)
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: buffer.count)
        var i = 0
        while i + 8 <= buffer.count {
            h = mix(h ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        var word: UInt64 = 0
        var shift: UInt64 = 0
        while i < buffer.count {
            word |= UInt64(buffer[i]) << shift
            shift += 8
            i += 1
        }
        return mix(h ^ word ^ 0xFF)
    }

    static func hash<C: Collection>(bytes: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: bytes.count)
        var word: UInt64 = 0, filled = 0
        for b in bytes {
            word |= UInt64(b) << UInt64(filled * 8)
            filled += 1
            if filled == 8 {
                h = mix(h ^ word)
                word = 0
                filled = 0
            }
        }
        return mix(h ^ word ^ 0xFF)
    }

    @inline(__always) private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &* 0xBF58_476D_1CE4_E5B9
        z ^= z >> 31
        z = z &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 29)
    }

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always) private func find(_ key: String, _ h: UInt64) -> (slot: Int, found: Bool) {
        let mask = hashes.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let stored = hashes[i]
            if stored == 0 { return (i, false) }
            if stored == h && keys[i] == key { return (i, true) }
            i = (i + 1) & mask
        }
    }

    func value(forKey key: String, hash h: UInt64) -> Int? {
        guard count > 0 else { return nil }
        let (slot, found) = find(key, h)
        return found ? values[slot] : nil
    }

    /// Stores `value` under `key`; returns the value it replaced.
    @discardableResult
    mutating func updateValue(_ value: Int, forKey key: String, hash h: UInt64) -> Int? {
        if (count + 1) * 10 > hashes.count * 7 { grow(to: max(16, hashes.count * 2)) }
        let (slot, found) = find(key, h)
        if found {
            let old = values[slot]
            values[slot] = value
            return old
        }
        hashes[slot] = h
        keys[slot] = key
        values[slot] = value
        count += 1
        return nil
    }

    /// Stores `value` under `key` unless the key is there; returns the value already there.
    mutating func insertIfAbsent(_ value: Int, forKey key: String, hash h: UInt64) -> Int? {
        if (count + 1) * 10 > hashes.count * 7 { grow(to: max(16, hashes.count * 2)) }
        let (slot, found) = find(key, h)
        if found { return values[slot] }
        hashes[slot] = h
        keys[slot] = key
        values[slot] = value
        count += 1
        return nil
    }

    /// Removes `key`, shifting later entries of its probe run back (no tombstones).
    @discardableResult
    mutating func removeValue(forKey key: String, hash h: UInt64) -> Int? {
        guard count > 0 else { return nil }
        let (found, isThere) = find(key, h)
        guard isThere else { return nil }
        let old = values[found]
        let mask = hashes.count - 1
        var hole = found
        var j = (hole + 1) & mask
        while hashes[j] != 0 {
            let home = Int(truncatingIfNeeded: hashes[j]) & mask
            // Move j into the hole unless its home lies cyclically in (hole, j].
            let stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j)
            if !stays {
                hashes[hole] = hashes[j]
                keys[hole] = keys[j]
                values[hole] = values[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        hashes[hole] = 0
        keys[hole] = ""
        values[hole] = 0
        count -= 1
        return old
    }

    mutating func reserveCapacity(_ n: Int) {
        var cap = max(16, hashes.count)
        while n * 10 > cap * 7 { cap *= 2 }
        if cap > hashes.count { grow(to: cap) }
    }

    private mutating func grow(to capacity: Int) {
        let oldHashes = hashes, oldKeys = keys, oldValues = values
        hashes = [UInt64](repeating: 0, count: capacity)
        keys = [String](repeating: "", count: capacity)
        values = [Int](repeating: 0, count: capacity)
        let mask = capacity - 1
        for i in oldHashes.indices where oldHashes[i] != 0 {
            var j = Int(truncatingIfNeeded: oldHashes[i]) & mask
            while hashes[j] != 0 { j = (j + 1) & mask }
            hashes[j] = oldHashes[i]
            keys[j] = oldKeys[i]
            values[j] = oldValues[i]
        }
    }

    /// Every entry with its hash, in slot order.
    func forEach(_ body: (String, UInt64, Int) -> Void) {
        for i in hashes.indices where hashes[i] != 0 { body(keys[i], hashes[i], values[i]) }
    }
}
