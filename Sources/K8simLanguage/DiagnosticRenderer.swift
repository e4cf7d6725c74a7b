/// Prints diagnostics for people: `file:line:col: error: message`, the source line with a
/// gutter, a caret and underline under the exact range, then the hint and notes.
public struct DiagnosticRenderer: Sendable {
    public var source: SourceFile

    public init(source: SourceFile) { self.source = source }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    public func render(_ d: Diagnostic) -> String {
        let loc = source.location(of: d.range.start)
        var out = "\(source.name):\(loc.line):\(loc.column): \(d.severity.rawValue): \(d.message)\n"
        out += excerpt(d.range)
        if let hint = d.hint { out += "  = hint: \(hint)\n" }
        for note in d.notes {
            if let r = note.range {
                let nl = source.location(of: r.start)
                out += "  = note: \(note.message) (\(source.name):\(nl.line):\(nl.column))\n"
            } else {
                out += "  = note: \(note.message)\n"
            }
        }
        return out
    }

    /// The line holding the range's start, and a marker under the range (clipped to that line).
    func excerpt(_ range: SourceRange) -> String {
        let loc = source.location(of: range.start)
        let line = source.lineText(containing: range.start)
        let gutter = String(loc.line)
        let pad = String(repeating: " ", count: gutter.count)
        let scalars = Array(line.unicodeScalars)
        // Columns before the range, and the range's width, in terminal cells; tabs are kept
        // as tabs so the marker lines up whatever the tab width.
        var prefix = ""
        for s in scalars.prefix(loc.column - 1) {
            prefix += s == "\t" ? "\t" : String(repeating: " ", count: Self.cellWidth(s))
        }
        let startOffset = range.start
        var width = 0
        var offset = startOffset
        var i = loc.column - 1
        while i < scalars.count, offset < range.end {
            width += Self.cellWidth(scalars[i])
            offset += String(scalars[i]).utf8.count
            i += 1
        }
        let marker = "^" + String(repeating: "~", count: max(0, width - 1))
        return " \(gutter) | \(line)\n \(pad) | \(prefix)\(marker)\n"
    }

    /// Cells a character takes in a terminal: two for East Asian wide characters (Hangul, CJK).
    public static func cellWidth(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x1100 { return 1 }
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD,
        ]
        return wide.contains { $0.contains(v) } ? 2 : 1
    }
}
