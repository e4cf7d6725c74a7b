/// The hand-written lexer. It walks the UTF-8 bytes once, producing tokens that hold byte
/// ranges; comments (and a `#!` first line) go to a side list so the formatter can keep them.
public struct Lexer {
    /// Filled by `tokenize`; the parser pulls tokens one at a time with `next(in:)` instead,
    /// so a large script is never held as a token array.
    public private(set) var tokens: [Token] = []
    public private(set) var comments: [SourceRange] = []
    public private(set) var diagnostics: [Diagnostic] = []
    /// Set when the source stops inside a string or after a continuation backslash.
    public private(set) var incompleteness: Incompleteness?
    private var index = 0

    public init() {}

    public static func tokenize(_ source: SourceFile) -> Lexer {
        var lexer = Lexer()
        source.bytes.withUnsafeBufferPointer { s in
            var all: [Token] = []
            all.reserveCapacity(s.count / 4 + 1)
            while true {
                let t = lexer.next(in: s)
                all.append(t)
                if t.kind == .endOfFile { break }
            }
            lexer.tokens = all
        }
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

    /// The next token of `s`, which must be the same buffer on every call.
    public mutating func next(in s: UnsafeBufferPointer<UInt8>) -> Token {
        let n = s.count
        var i = index
        // A `#!` first line is a shebang: kept as a comment, never a token.
        if i == 0 && n >= 2 && s[0] == Self.hash && s[1] == UInt8(ascii: "!") {
            while i < n && s[i] != Self.lf { i += 1 }
            comments.append(SourceRange(0, i))
        }
        while i < n {
            let b = s[i]
            if Self.isBlank(b) { i += 1; continue }
            switch b {
            case Self.lf:
                index = i + 1
                return Token(kind: .newline, flags: [], start: i, end: i + 1)
            case Self.semicolon:
                index = i + 1
                return Token(kind: .semicolon, flags: [], start: i, end: i + 1)
            case Self.lbrace:
                index = i + 1
                return Token(kind: .leftBrace, flags: [], start: i, end: i + 1)
            case Self.rbrace:
                index = i + 1
                return Token(kind: .rightBrace, flags: [], start: i, end: i + 1)
            case Self.hash:
                let start = i
                while i < n && s[i] != Self.lf { i += 1 }
                comments.append(SourceRange(start, i))
            case Self.backslash:
                if let next = Self.continuation(s, i) {
                    if next == n && incompleteness == nil {
                        incompleteness = .trailingBackslash
                        diagnostics.append(Diagnostic(.trailingBackslash, at: SourceRange(i, i + 1)))
                    }
                    i = next
                } else {
                    return scanWord(s, from: i)
                }
            default:
                return scanWord(s, from: i)
            }
        }
        index = n
        return Token(kind: .endOfFile, flags: [], start: n, end: n)
    }

    /// Scans one word, which may hold quoted parts and `${name}` references.
    private mutating func scanWord(_ s: UnsafeBufferPointer<UInt8>, from start: Int) -> Token {
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
                    if c == Self.dollar {
                        i = scanReference(s, at: i, end: n, &flags)
                        continue
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
            if b == Self.dollar {
                // `${name}` is one reference: its braces do not end the word.
                i = scanReference(s, at: i, end: n, &flags)
                continue
            }
            i += 1
        }
        index = i
        return Token(kind: .word, flags: flags, start: start, end: i)
    }

    /// At a `$`: notes a reference (or reports a malformed `${`) and returns where to go on.
    private mutating func scanReference(_ s: UnsafeBufferPointer<UInt8>, at i: Int, end n: Int, _ flags: inout Token.Flags) -> Int {
        switch Self.reference(s, at: i, end: n) {
        case .literal: return i + 1
        case .name(_, let next):
            flags.insert(.variable)
            return next
        case .malformed(let range):
            flags.insert(.variable)
            diagnostics.append(Diagnostic(.badVariableReference, at: range))
            return range.end
        }
    }

    /// What a `$` at `i` starts: the one reading of `$name` and `${name}`, for the lexer and
    /// the word decoder alike. A name starts with a letter or `_`; `${` must hold one and close.
    enum Reference: Equatable {
        /// A `$` that names nothing (`$5`, `$ `): kept as written.
        case literal
        case name(Range<Int>, next: Int)
        /// `${` without a name and its `}`: an error at this range (its `}` included, if any).
        case malformed(SourceRange)
    }

    static func reference(_ s: UnsafeBufferPointer<UInt8>, at i: Int, end n: Int) -> Reference {
        guard i + 1 < n else { return .literal }
        if s[i + 1] == lbrace {
            var j = i + 2
            let named = j < n && isNameStart(s[j])
            while j < n && isNameByte(s[j]) { j += 1 }
            let closed = j < n && s[j] == rbrace
            guard named, closed else { return .malformed(SourceRange(i, closed ? j + 1 : j)) }
            return .name((i + 2)..<j, next: j + 1)
        }
        guard isNameStart(s[i + 1]) else { return .literal }
        var j = i + 2
        while j < n && isNameByte(s[j]) { j += 1 }
        return .name((i + 1)..<j, next: j)
    }
}
