/// Turns a word token's bytes into its value: quotes removed, escapes decoded, and
/// `$name` / `${name}` references split out as template parts.
enum WordDecoder {
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Token, problems: inout [Diagnostic]) -> Word {
        let range = token.range
        if token.flags.isEmpty {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[token.start..<token.end]), as: UTF8.self)
            return Word(text, range: range)
        }
        var parts: [TemplatePart] = []
        var text: [UInt8] = []
        func flush() {
            if !text.isEmpty {
                parts.append(.text(String(decoding: text, as: UTF8.self)))
                text.removeAll(keepingCapacity: true)
            }
        }
        var i = token.start
        let end = token.end
        var inQuotes = false
        while i < end {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                inQuotes.toggle()
                i += 1
                continue
            }
            if inQuotes && b == UInt8(ascii: "\\") && i + 1 < end {
                let e = bytes[i + 1]
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "$"): text.append(e)
                case UInt8(ascii: "n"): text.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): text.append(UInt8(ascii: "\t"))
                default:
                    // Point at the escape; show it as written (one scalar).
                    var j = i + 2
                    while j < end && bytes[j] & 0xC0 == 0x80 { j += 1 }
                    let shown = String(decoding: UnsafeBufferPointer(rebasing: bytes[(i + 1)..<j]), as: UTF8.self)
                    problems.append(Diagnostic(.unknownEscape(shown), at: SourceRange(i, j)))
                    i = j
                    continue
                }
                i += 2
                continue
            }
            // The lexer's reading of `$`; a malformed `${` was reported there and stays as text.
            if b == UInt8(ascii: "$"), case .name(let name, let next) = Lexer.reference(bytes, at: i, end: end) {
                flush()
                parts.append(.variable(String(decoding: UnsafeBufferPointer(rebasing: bytes[name]), as: UTF8.self)))
                i = next
                continue
            }
            text.append(b)
            i += 1
        }
        flush()
        if parts.isEmpty { parts = [.text("")] }
        return Word(parts: parts, range: range)
    }
}
