/// The hand-written lexer. It walks the UTF-8 bytes once, producing tokens that hold byte
/// ranges; comments (and a `#!` first line) go to a side list so the formatter can keep them.
public struct Lexer {
    public private(set) var tokens: [Token] = []
    public private(set) var comments: [SourceRange] = []
    public private(set) var diagnostics: [Diagnostic] = []
    /// Set when the source stops inside a string or after a continuation backslash.
    public private(set) var incompleteness: Incompleteness?

    public static func tokenize(_ source: SourceFile) -> Lexer {
        var lexer = Lexer()
        source.bytes.withUnsafeBufferPointer { lexer.run($0) }
        return lexer
    }

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let semicolon = UInt8(ascii: ";")
    private static let lbrace = UInt8(ascii: "{")
    private static let rbrace = UInt8(ascii: "}")
    private static let quote = UInt8(ascii: "\"")
    private static let hash = UInt8(ascii: "#")
    private static let backslash = UInt8(ascii: "\\")
    private static let dollar = UInt8(ascii: "$")

    @inline(__always) private static func isBlank(_ b: UInt8) -> Bool { b == space || b == tab || b == cr }

    /// Bytes that end a bare word.
    @inline(__always) private static func endsWord(_ b: UInt8) -> Bool {
        b == space || b == tab || b == cr || b == lf || b == semicolon || b == lbrace || b == rbrace
    }

    @inline(__always) static func isNameStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == UInt8(ascii: "_")
    }

    @inline(__always) static func isNameByte(_ b: UInt8) -> Bool {
        isNameStart(b) || (b >= 0x30 && b <= 0x39)
    }

    /// If a backslash at `i` starts a line continuation (blanks then a newline or the end),
    /// returns the offset just past it; `count` means the source ended.
    private static func continuation(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int? {
        var j = i + 1
        while j < s.count && isBlank(s[j]) { j += 1 }
        if j == s.count { return s.count }
        if s[j] == lf { return j + 1 }
        return nil
    }

    private mutating func run(_ s: UnsafeBufferPointer<UInt8>) {
        let n = s.count
        tokens.reserveCapacity(n / 4 + 1)
        var i = 0
        // A `#!` first line is a shebang: kept as a comment, never a token.
        if n >= 2 && s[0] == Self.hash && s[1] == UInt8(ascii: "!") {
            while i < n && s[i] != Self.lf { i += 1 }
            comments.append(SourceRange(0, i))
        }
        while i < n {
            let b = s[i]
            if Self.isBlank(b) { i += 1; continue }
            switch b {
            case Self.lf:
                tokens.append(Token(kind: .newline, flags: [], start: i, end: i + 1)); i += 1
            case Self.semicolon:
                tokens.append(Token(kind: .semicolon, flags: [], start: i, end: i + 1)); i += 1
            case Self.lbrace:
                tokens.append(Token(kind: .leftBrace, flags: [], start: i, end: i + 1)); i += 1
            case Self.rbrace:
                tokens.append(Token(kind: .rightBrace, flags: [], start: i, end: i + 1)); i += 1
            case Self.hash:
                let start = i
                while i < n && s[i] != Self.lf { i += 1 }
                comments.append(SourceRange(start, i))
            case Self.backslash:
                if let next = Self.continuation(s, i) {
                    if next == n {
                        incompleteness = .trailingBackslash
                        diagnostics.append(Diagnostic(.trailingBackslash, at: SourceRange(i, i + 1)))
                    }
                    i = next
                } else {
                    i = scanWord(s, from: i)
                }
            default:
                i = scanWord(s, from: i)
            }
        }
        tokens.append(Token(kind: .endOfFile, flags: [], start: n, end: n))
    }

    /// Scans one word, which may hold quoted parts and `${name}` references.
    private mutating func scanWord(_ s: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let n = s.count
        var i = start
        var flags: Token.Flags = []
        while i < n {
            let b = s[i]
            if Self.endsWord(b) { break }
            if b == Self.backslash, Self.continuation(s, i) != nil { break }
            if b == Self.quote {
                flags.insert(.quoted)
                i += 1
                var closed = false
                while i < n {
                    let c = s[i]
                    if c == Self.quote { closed = true; i += 1; break }
                    if c == Self.backslash {
                        flags.insert(.escape)
                        i += 2
                        continue
                    }
                    if c == Self.dollar, i + 1 < n, s[i + 1] == Self.lbrace || Self.isNameStart(s[i + 1]) {
                        flags.insert(.variable)
                    }
                    i += 1
                }
                if !closed {
                    i = min(i, n)
                    incompleteness = .unclosedString
                    diagnostics.append(Diagnostic(.unclosedString, at: SourceRange(start, i)))
                }
                continue
            }
            if b == Self.dollar, i + 1 < n {
                let c = s[i + 1]
                if c == Self.lbrace {
                    // `${name}` is one reference: its braces do not end the word.
                    flags.insert(.variable)
                    var j = i + 2
                    while j < n && Self.isNameByte(s[j]) { j += 1 }
                    if j < n && s[j] == Self.rbrace {
                        i = j + 1
                    } else {
                        diagnostics.append(Diagnostic(.badVariableReference, at: SourceRange(i, j)))
                        i = j
                    }
                    continue
                }
                if Self.isNameStart(c) { flags.insert(.variable) }
            }
            i += 1
        }
        tokens.append(Token(kind: .word, flags: flags, start: start, end: i))
        return i
    }
}
