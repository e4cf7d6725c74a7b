/// What a token is. Words are typed later, by the parser, where the grammar needs a type.
public enum TokenKind: UInt8, Sendable {
    /// A run of characters other than blanks, `;`, `{`, `}` and newlines; may hold quoted parts.
    case word
    case semicolon
    case newline
    case leftBrace
    case rightBrace
    case endOfFile
}

/// A token: a kind, flags, and byte offsets into the source — never a copied substring.
public struct Token: Hashable, Sendable {
    public var kind: TokenKind
    public var flags: Flags
    public var start: Int
    public var end: Int

    public var range: SourceRange { SourceRange(start, end) }

    public struct Flags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// The word holds a double-quoted part: it is never a keyword.
        public static let quoted = Flags(rawValue: 1)
        /// The word holds `$name` or `${name}`: its value is known only when the statement runs.
        public static let variable = Flags(rawValue: 2)
        /// A backslash escape inside quotes needs decoding.
        public static let escape = Flags(rawValue: 4)
    }
}

/// Why the source ended before a construct was closed. The REPL asks for another line.
public enum Incompleteness: Hashable, Sendable {
    case unclosedString
    case trailingBackslash
    case unclosedBrace
}
