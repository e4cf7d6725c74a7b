/// A readable dump of a syntax tree, one field a line, for tests and `k8sim check --dump`.
/// Source ranges are left out unless asked for, so two parses of differently spaced text
/// that mean the same compare equal.
public enum ASTDump {
    public static func dump(_ script: Script, ranges: Bool = false) -> String {
        var out = ""
        for s in script.statements { dump(s, indent: 0, ranges: ranges, into: &out) }
        return out
    }

    public static func dump(_ statement: Statement, ranges: Bool = false) -> String {
        var out = ""
        dump(statement, indent: 0, ranges: ranges, into: &out)
        return out
    }

    static func dump(_ statement: Statement, indent: Int, ranges: Bool, into out: inout String) {
        let pad = String(repeating: "  ", count: indent)
        let at = ranges ? " @\(statement.range)" : ""
        let via = statement.kubectl ? " (kubectl)" : ""
        let mirror = Mirror(reflecting: statement.kind)
        if let child = mirror.children.first, let label = child.label {
            out += "\(pad)\(label)\(via)\(at)\n"
            field(nil, child.value, indent: indent + 1, ranges: ranges, into: &out)
        } else {
            out += "\(pad)\(statement.kind)\(via)\(at)\n"
        }
    }

    static func field(_ label: String?, _ value: Any, indent: Int, ranges: Bool, into out: inout String) {
        let pad = String(repeating: "  ", count: indent)
        let name = label.map { "\($0): " } ?? ""
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            if let some = mirror.children.first {
                field(label, some.value, indent: indent, ranges: ranges, into: &out)
            }
            return
        }
        switch value {
        case let s as Statement:
            dump(s, indent: indent, ranges: ranges, into: &out)
            return
        case let w as Word:
            out += "\(pad)\(name)\(show(w))\(ranges ? " @\(w.range)" : "")\n"
            return
        case let a as any ArgDumpable:
            out += "\(pad)\(name)\(a.dumpText)\(ranges ? " @\(a.range)" : "")\n"
            return
        case is String, is Int, is Bool:
            out += "\(pad)\(name)\(value)\n"
            return
        default:
            break
        }
        switch mirror.displayStyle {
        case .collection:
            if mirror.children.isEmpty { return }
            out += "\(pad)\(name.isEmpty ? "- " : name)\n"
            for c in mirror.children { field(nil, c.value, indent: indent + 1, ranges: ranges, into: &out) }
        case .struct, .tuple:
            if !name.isEmpty || mirror.displayStyle == .struct && label != nil { out += "\(pad)\(label ?? "")\n" }
            let inner = label == nil ? indent : indent + 1
            for c in mirror.children { field(c.label, c.value, indent: inner, ranges: ranges, into: &out) }
        case .enum:
            if let c = mirror.children.first, let caseName = c.label {
                out += "\(pad)\(name)\(caseName)\n"
                field(nil, c.value, indent: indent + 1, ranges: ranges, into: &out)
            } else {
                out += "\(pad)\(name)\(value)\n"
            }
        default:
            out += "\(pad)\(name)\(value)\n"
        }
    }

    static func show(_ w: Word) -> String {
        var s = ""
        for p in w.parts {
            switch p {
            case .text(let t): s += t
            case .variable(let v): s += "${\(v)}"
            }
        }
        return "\"" + s.replacingEscapes() + "\""
    }
}

protocol ArgDumpable {
    var dumpText: String { get }
    var range: SourceRange { get }
}

extension Arg: ArgDumpable {
    var dumpText: String {
        guard let v = value else { return "\(ASTDump.show(word)) (checked at run time)" }
        switch v {
        case let s as String: return s
        case let kvs as [KeyValue]: return kvs.map(\.description).joined(separator: ",")
        case let i as ImageRef: return "\(i.text) (\(i.form.rawValue))"
        default: return "\(v)"
        }
    }
}

extension String {
    func replacingEscapes() -> String {
        var out = ""
        for ch in unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
