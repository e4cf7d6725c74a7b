import OrderedCollections

/// A value tree for `-o yaml` and `-o json`, printed as kubectl prints them (keys sorted).
public indirect enum Tree: Equatable, Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    /// `null`, as kubectl writes `creationTimestamp: null` in client-side manifests.
    case null
    case list([Tree])
    case map([(String, Tree)])

    public static func == (a: Tree, b: Tree) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        case (.list(let x), .list(let y)): return x == y
        case (.map(let x), .map(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// A map from pairs, dropping nil and empty values and sorting keys as Go's encoders do.
    public static func object(_ pairs: [(String, Tree?)]) -> Tree {
        .map(pairs.compactMap { k, v in v.flatMap { $0.isEmpty ? nil : (k, $0) } }.sorted { $0.0 < $1.0 })
    }

    /// A map from pairs, dropping only nil values: an explicitly empty `{}` stays, as in
    /// kubectl's client-side manifests (`strategy: {}`, `status: {}`).
    public static func exact(_ pairs: [(String, Tree?)]) -> Tree {
        .map(pairs.compactMap { k, v in v.map { (k, $0) } }.sorted { $0.0 < $1.0 })
    }

    // Computed: a stored global holding an indirect enum box shows up as a leak under LeakSanitizer.
    public static var emptyMap: Tree { .map([]) }

    public static func strings(_ d: OrderedDictionary<String, String>) -> Tree? {
        d.isEmpty ? nil : .map(d.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
    }

    public var isEmpty: Bool {
        switch self {
        case .list(let l): return l.isEmpty
        case .map(let m): return m.isEmpty
        default: return false
        }
    }

    // MARK: YAML

    public var yaml: String {
        var out = ""
        Tree.emitYAML(self, indent: 0, into: &out, inList: false)
        return out
    }

    static func emitYAML(_ t: Tree, indent: Int, into out: inout String, inList: Bool) {
        let pad = String(repeating: " ", count: indent)
        switch t {
        case .map(let pairs):
            if pairs.isEmpty { out += "{}\n"; return }
            for (i, (k, v)) in pairs.enumerated() {
                let prefix = (inList && i == 0) ? "" : pad
                switch v {
                case .map(let m) where !m.isEmpty:
                    out += "\(prefix)\(key(k)):\n"
                    emitYAML(v, indent: indent + 2, into: &out, inList: false)
                case .list(let l) where !l.isEmpty:
                    out += "\(prefix)\(key(k)):\n"
                    emitYAML(v, indent: indent, into: &out, inList: false)
                default:
                    out += "\(prefix)\(key(k)): \(scalar(v))\n"
                }
            }
        case .list(let items):
            if items.isEmpty { out += "[]\n"; return }
            for item in items {
                out += "\(pad)- "
                switch item {
                case .map(let m) where !m.isEmpty: emitYAML(item, indent: indent + 2, into: &out, inList: true)
                case .list(let l) where !l.isEmpty:
                    out += "\n"
                    emitYAML(item, indent: indent + 2, into: &out, inList: false)
                default: out += scalar(item) + "\n"
                }
            }
        default:
            out += scalar(t) + "\n"
        }
    }

    static func key(_ k: String) -> String { needsQuotes(k) ? quoted(k) : k }

    static func scalar(_ t: Tree) -> String {
        switch t {
        case .string(let s): return needsQuotes(s) ? quoted(s) : s
        case .int(let n): return "\(n)"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .list: return "[]"
        case .map: return "{}"
        }
    }

    /// Quotes strings a YAML reader would take as something else (numbers, booleans, null)
    /// or that hold characters with meaning.
    static func needsQuotes(_ s: String) -> Bool {
        if s.isEmpty { return true }
        let lower = s.lowercased()
        if ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"].contains(lower) { return true }
        if Double(s) != nil || Int(s) != nil { return true }
        if let f = s.first, "-?:,[]{}#&*!|>'\"%@` ".contains(f) { return true }
        if s.last == " " || s.contains(": ") || s.contains(" #") || s.contains("\n") || s.contains("\t") { return true }
        return false
    }

    public static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    // MARK: JSON

    public var json: String {
        var out = ""
        Tree.emitJSON(self, indent: 0, into: &out)
        return out + "\n"
    }

    static func emitJSON(_ t: Tree, indent: Int, into out: inout String) {
        let pad = String(repeating: "    ", count: indent + 1)
        let close = String(repeating: "    ", count: indent)
        switch t {
        case .string(let s): out += quoted(s)
        case .int(let n): out += "\(n)"
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .list(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                emitJSON(item, indent: indent + 1, into: &out)
                out += i < items.count - 1 ? ",\n" : "\n"
            }
            out += close + "]"
        case .map(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{\n"
            for (i, (k, v)) in pairs.enumerated() {
                out += pad + quoted(k) + ": "
                emitJSON(v, indent: indent + 1, into: &out)
                out += i < pairs.count - 1 ? ",\n" : "\n"
            }
            out += close + "}"
        }
    }
}

