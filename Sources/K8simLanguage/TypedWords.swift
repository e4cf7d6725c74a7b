import K8simNotation

/// The typed words of the language and their checkers. The parser checks a word where the
/// grammar needs a type; a word holding `$name` is checked by the same functions when the
/// statement runs and the value is known.

public struct WordError: Error, Hashable, Sendable {
    public var problem: Problem
    public var hint: String?
    public init(_ problem: Problem, hint: String? = nil) {
        self.problem = problem
        self.hint = hint
    }
}

/// A stretch of virtual time, in milliseconds.
public struct Interval: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var milliseconds: Int64
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public static func seconds(_ s: Int64) -> Interval { Interval(milliseconds: s * 1000) }
    public static func < (a: Interval, b: Interval) -> Bool { a.milliseconds < b.milliseconds }

    /// Canonical text: `1h30m`, `45s`, `500ms`.
    public var description: String { DurationText.format(milliseconds) }
}

/// A Kubernetes resource quantity (`500m`, `2`, `128Mi`), held in thousandths of a unit.
public struct Quantity: Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var millis: Int64
    public var description: String { text }
}

public enum IntOrPercent: Hashable, Sendable, CustomStringConvertible {
    case count(Int)
    case percent(Int)
    public var description: String {
        switch self {
        case .count(let n): return "\(n)"
        case .percent(let p): return "\(p)%"
        }
    }
}

public struct KeyValue: Hashable, Sendable, CustomStringConvertible {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
    public var description: String { "\(key)=\(value)" }
}

/// Where a request goes: `n1:31000`, `10.64.140.43:30000`, `redis:6379`, or `counter`.
public struct Target: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int?
    public var description: String { port.map { "\(host):\($0)" } ?? host }
}

public struct IPv4Range: Hashable, Sendable, CustomStringConvertible {
    public var first: UInt32
    public var last: UInt32
    public var count: Int { Int(last - first) + 1 }
    public var description: String { "\(IPv4.format(first))-\(IPv4.format(last))" }
}

/// An image word as written, with how it is to be read: `ghcr.io/subicura/echo:v1` is a full
/// reference, `v1` a tag of the image named after the deployment, `redis` a repository at latest.
public struct ImageRef: Hashable, Sendable, CustomStringConvertible {
    public enum Form: String, Hashable, Sendable {
        case full, tag, repository
    }
    public var text: String
    public var form: Form
    public var description: String { text }

    /// The full reference for a deployment named `deployment`.
    public func resolved(forDeployment deployment: String) -> String {
        switch form {
        case .full: return text
        case .tag: return "\(deployment):\(text)"
        case .repository: return "\(text):latest"
        }
    }
}

/// The kinds of object statements name, with kubectl's plural, singular and short names.
public enum ResourceKind: String, Hashable, Sendable, CaseIterable {
    case pod, deployment, replicaset, service, endpoints, node, event, configmap, namespace, all

    public var aliases: [String] {
        switch self {
        case .pod: return ["pods", "pod", "po"]
        case .deployment: return ["deployments", "deployment", "deploy"]
        case .replicaset: return ["replicasets", "replicaset", "rs"]
        case .service: return ["services", "service", "svc"]
        case .endpoints: return ["endpoints", "ep"]
        case .node: return ["nodes", "node", "no"]
        case .event: return ["events", "event", "ev"]
        case .configmap: return ["configmaps", "configmap", "cm"]
        case .namespace: return ["namespaces", "namespace", "ns"]
        case .all: return ["all"]
        }
    }

    /// The canonical word the formatter writes: plural for `get`, singular elsewhere.
    public var plural: String { aliases[0] }
    public var singular: String { self == .endpoints || self == .all ? rawValue : aliases[1] }

    public static func named(_ word: String) -> ResourceKind? {
        let w = word.lowercased()
        return allCases.first { $0.aliases.contains(w) }
    }

    public static var allWords: [String] { allCases.flatMap(\.aliases) }
}

public enum Words {
    static func isDigits<S: StringProtocol>(_ s: S) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    public static func count(_ s: String, max: Int = Int(Int32.max)) throws(WordError) -> Int {
        guard isDigits(s) else { throw WordError(.badWord(.count, found: s)) }
        guard s.utf8.count <= 10, let n = Int(s), n <= max else {
            throw WordError(.outOfRange(.count, found: s, limit: "at most \(max)"))
        }
        return n
    }

    public static func revision(_ s: String) throws(WordError) -> Int {
        guard isDigits(s) else {
            if s.hasPrefix("-") { throw WordError(.outOfRange(.revision, found: s, limit: "revision must be a positive integer")) }
            throw WordError(.badWord(.revision, found: s))
        }
        guard s.utf8.count <= 10, let n = Int(s), n <= Int(Int32.max) else {
            throw WordError(.outOfRange(.revision, found: s, limit: "at most \(Int32.max)"))
        }
        return n
    }

    public static func port(_ s: String) throws(WordError) -> Int {
        guard isDigits(s) else { throw WordError(.badWord(.port, found: s)) }
        guard s.utf8.count <= 5, let n = Int(s), n >= 1, n <= 65535 else {
            throw WordError(.outOfRange(.port, found: s, limit: "ports go from 1 to 65535"))
        }
        return n
    }

    public static func duration(_ s: String) throws(WordError) -> Interval {
        let bytes = Array(s.utf8)
        if bytes == [0x30] { return Interval(milliseconds: 0) }
        var i = 0
        var total: Int64 = 0
        guard !bytes.isEmpty else { throw WordError(.badWord(.duration, found: s)) }
        while i < bytes.count {
            var n: Int64 = 0
            let digitsStart = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                n = n * 10 + Int64(bytes[i] - 0x30)
                if n > 1_000_000_000 { throw WordError(.outOfRange(.duration, found: s, limit: "at most 1000000000s")) }
                i += 1
            }
            guard i > digitsStart, i < bytes.count else { throw WordError(.badWord(.duration, found: s)) }
            let unit: Int64
            if bytes[i] == UInt8(ascii: "m"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "s") {
                unit = 1; i += 2
            } else {
                switch bytes[i] {
                case UInt8(ascii: "s"): unit = 1000
                case UInt8(ascii: "m"): unit = 60_000
                case UInt8(ascii: "h"): unit = 3_600_000
                default: throw WordError(.badWord(.duration, found: s))
                }
                i += 1
            }
            total += n * unit
            if total > 1_000_000_000_000 { throw WordError(.outOfRange(.duration, found: s, limit: "at most 1000000000s")) }
        }
        return Interval(milliseconds: total)
    }

    private static let quantitySuffixes: [(String, Int64)] = [
        ("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("Ti", 1 << 40), ("Pi", 1 << 50),
        ("k", 1000), ("M", 1_000_000), ("G", 1_000_000_000), ("T", 1_000_000_000_000), ("P", 1_000_000_000_000_000),
    ]

    public static func quantity(_ s: String) throws(WordError) -> Quantity {
        var number = Substring(s)
        // Thousandths of a unit per unit written: plain numbers are whole units, `m` is milli.
        var multiplier: Double = 1000
        if let (suffix, factor) = quantitySuffixes.first(where: { s.hasSuffix($0.0) }) {
            number = number.dropLast(suffix.count)
            multiplier = Double(factor) * 1000
        } else if s.hasSuffix("m") {
            number = number.dropLast()
            multiplier = 1
        }
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, isDigits(whole), parts.count == 1 || isDigits(parts[1]) else {
            throw WordError(.badWord(.quantity, found: s))
        }
        guard whole.count <= 12, let w = Int64(whole) else {
            throw WordError(.outOfRange(.quantity, found: s, limit: "too large"))
        }
        var fraction = 0.0
        if parts.count == 2, let f = Double("0." + parts[1]) { fraction = f }
        let value = (Double(w) + fraction) * multiplier
        guard value < 9.0e18 else { throw WordError(.outOfRange(.quantity, found: s, limit: "too large")) }
        return Quantity(text: s, millis: Int64(value.rounded()))
    }

    public static func intOrPercent(_ s: String) throws(WordError) -> IntOrPercent {
        if s.hasSuffix("%") {
            let digits = s.dropLast()
            guard isDigits(digits), digits.count <= 4, let p = Int(digits) else {
                throw WordError(.badWord(.intOrPercent, found: s))
            }
            guard p <= 100 else { throw WordError(.outOfRange(.intOrPercent, found: s, limit: "a percentage is at most 100%")) }
            return .percent(p)
        }
        guard isDigits(s) else { throw WordError(.badWord(.intOrPercent, found: s)) }
        guard s.count <= 9, let n = Int(s) else { throw WordError(.outOfRange(.intOrPercent, found: s, limit: "too large")) }
        return .count(n)
    }

    @inline(__always) static func isLowerAlnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }

    /// A DNS-1123 name, as Kubernetes requires of object names.
    public static func name(_ s: String) throws(WordError) -> String {
        let u = s.utf8
        guard let first = u.first, let last = u.last, u.count <= 253 else {
            throw WordError(.badWord(.name, found: s), hint: u.isEmpty ? nil : "names are at most 253 characters")
        }
        guard isLowerAlnum(first), isLowerAlnum(last), u.allSatisfy({ isLowerAlnum($0) || $0 == 0x2D || $0 == 0x2E }) else {
            let lower = s.lowercased()
            let hint = lower != s && (try? name(lower)) != nil ? "names are lowercase: '\(lower)'" : nil
            throw WordError(.badWord(.name, found: s), hint: hint)
        }
        return s
    }

    static func isLabelToken(_ s: Substring, allowEmpty: Bool) -> Bool {
        let u = s.utf8
        if u.isEmpty { return allowEmpty }
        guard u.count <= 63 else { return false }
        func alnum(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
        }
        guard let f = u.first, let l = u.last, alnum(f), alnum(l) else { return false }
        return u.allSatisfy { alnum($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }

    public static func labelPair(_ s: String) throws(WordError) -> KeyValue {
        // Bytes, not characters: `=` is ASCII, and a UTF-8 index is a String index.
        guard let eq = s.utf8.firstIndex(of: UInt8(ascii: "=")) else { throw WordError(.badWord(.labelPair, found: s)) }
        let key = s[..<eq]
        let value = s[s.index(after: eq)...]
        var name = key
        if let slash = key.lastIndex(of: "/") {
            let prefix = String(key[..<slash])
            name = key[key.index(after: slash)...]
            guard (try? Words.name(prefix)) != nil else { throw WordError(.badWord(.labelPair, found: s)) }
        }
        guard isLabelToken(name, allowEmpty: false), isLabelToken(value, allowEmpty: true) else {
            throw WordError(.badWord(.labelPair, found: s),
                            hint: "label keys and values are at most 63 letters, digits, '-', '_' or '.'")
        }
        return KeyValue(key: String(key), value: String(value))
    }

    public static func envPair(_ s: String) throws(WordError) -> KeyValue {
        guard let eq = s.firstIndex(of: "="), eq != s.startIndex else { throw WordError(.badWord(.envPair, found: s)) }
        let key = s[..<eq]
        let validKey = key.utf8.allSatisfy { b in
            Lexer.isNameByte(b) || b == 0x2D || b == 0x2E
        } && !(key.utf8.first.map { $0 >= 0x30 && $0 <= 0x39 } ?? true)
        guard validKey else { throw WordError(.badWord(.envPair, found: s)) }
        return KeyValue(key: String(key), value: String(s[s.index(after: eq)...]))
    }

    public static func dataPair(_ s: String) throws(WordError) -> KeyValue {
        guard let eq = s.firstIndex(of: "="), eq != s.startIndex else { throw WordError(.badWord(.dataPair, found: s)) }
        let key = s[..<eq]
        guard key.count <= 253, key.utf8.allSatisfy({ Lexer.isNameByte($0) || $0 == 0x2D || $0 == 0x2E }) else {
            throw WordError(.badWord(.dataPair, found: s), hint: "keys are letters, digits, '-', '_' and '.'")
        }
        return KeyValue(key: String(key), value: String(s[s.index(after: eq)...]))
    }

    public static func selector(_ s: String) throws(WordError) -> [KeyValue] {
        var pairs: [KeyValue] = []
        for part in s.split(separator: ",", omittingEmptySubsequences: false) {
            // kubectl accepts `k==v` as well as `k=v`.
            let p = part.contains("==") ? part.split(separator: "=", omittingEmptySubsequences: true).joined(separator: "=") : String(part)
            guard let kv = try? labelPair(p) else { throw WordError(.badWord(.selector, found: s)) }
            pairs.append(kv)
        }
        return pairs
    }

    public static func target(_ s: String) throws(WordError) -> Target {
        let u = s.utf8
        let colon = u.firstIndex(of: UInt8(ascii: ":"))
        let host = s[..<(colon ?? s.endIndex)]
        guard !host.isEmpty, host.utf8.allSatisfy({ isLowerAlnum($0) || $0 == 0x2D || $0 == 0x2E }) else {
            throw WordError(.badWord(.target, found: s))
        }
        guard let colon else { return Target(host: String(host), port: nil) }
        let portText = String(s[s.index(after: colon)...])
        guard let port = try? Words.port(portText) else { throw WordError(.badWord(.target, found: s)) }
        return Target(host: String(host), port: port)
    }

    public static func ipRange(_ s: String) throws(WordError) -> IPv4Range {
        switch IPv4.parseRange(Substring(s)) {
        case .success(let r): return IPv4Range(first: r.lowerBound, last: r.upperBound)
        case .failure(.malformed):
            throw WordError(.badWord(.ipRange, found: s),
                            hint: s.contains("/") ? nil : "write two IPv4 addresses joined by '-', or a CIDR such as 10.64.140.0/28")
        case .failure(.reversed):
            throw WordError(.outOfRange(.ipRange, found: s, limit: "the first address must not come after the last"))
        case .failure(.tooLarge):
            throw WordError(.outOfRange(.ipRange, found: s, limit: "at most \(IPv4.maxRangeSize) addresses"))
        }
    }

    public static func image(_ s: String) throws(WordError) -> ImageRef {
        let u = s.utf8
        guard let first = u.first, let last = u.last, u.count <= 255 else { throw WordError(.badWord(.image, found: s)) }
        var slashes = 0, colons = 0, ats = 0
        var upperInPath = false
        var previous: UInt8 = 0
        for b in u {
            let upper = b >= 0x41 && b <= 0x5A
            guard isLowerAlnum(b) || upper || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x2F || b == 0x3A || b == 0x40 else {
                throw WordError(.badWord(.image, found: s))
            }
            if b == 0x2F {
                if previous == 0x2F { throw WordError(.badWord(.image, found: s)) }
                slashes += 1
                upperInPath = false  // a registry host before the first '/' may have capitals
            }
            if b == 0x3A { colons += 1 }
            if b == 0x40 { ats += 1 }
            // Capitals are allowed in a tag, not in a repository path.
            if upper && colons == 0 && ats == 0 { upperInPath = true }
            previous = b
        }
        guard first != 0x2F, last != 0x2F, last != 0x3A else { throw WordError(.badWord(.image, found: s)) }
        if upperInPath {
            throw WordError(.badWord(.image, found: s), hint: "repository names are lowercase: '\(s.lowercased())'")
        }
        if slashes + colons + ats > 0 { return ImageRef(text: s, form: .full) }
        let second = u.dropFirst().first ?? 0
        let tagLike = s == "latest" || (first >= 0x30 && first <= 0x39) || (first == UInt8(ascii: "v") && second >= 0x30 && second <= 0x39)
        return ImageRef(text: s, form: tagLike ? .tag : .repository)
    }

    public static func kind(_ s: String) throws(WordError) -> ResourceKind {
        guard let k = ResourceKind.named(s) else {
            let hint = Suggestions.didYouMean(s, among: ResourceKind.allWords)
            throw WordError(.badWord(.kind, found: s), hint: hint)
        }
        return k
    }
}
