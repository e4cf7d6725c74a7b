/// A script's text as UTF-8 bytes, with its name for messages.
///
/// Positions everywhere in the front end are byte offsets into `bytes`; line and column
/// are computed only when a message is printed (`location(of:)`).
public struct SourceFile: Sendable {
    public let name: String
    public let bytes: [UInt8]
    /// Byte offset at which each line starts; built once, on first need, by `lineStarts()`.
    public init(name: String, text: String) {
        self.name = name
        self.bytes = Array(text.utf8)
    }

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public func text(in range: SourceRange) -> String {
        let lo = max(0, min(range.start, bytes.count))
        let hi = max(lo, min(range.end, bytes.count))
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }

    /// Line (1-based) and column (1-based, in Unicode scalars) of a byte offset.
    public func location(of offset: Int) -> SourceLocation {
        let offset = max(0, min(offset, bytes.count))
        var line = 1
        var lineStart = 0
        var i = 0
        while i < offset {
            if bytes[i] == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        var column = 1
        var j = lineStart
        while j < offset {
            // Count scalars: skip UTF-8 continuation bytes.
            if bytes[j] & 0xC0 != 0x80 { column += 1 }
            j += 1
        }
        return SourceLocation(line: line, column: column, lineStart: lineStart)
    }

    /// The text of the line that contains `offset`, without its newline.
    public func lineText(containing offset: Int) -> String {
        let loc = location(of: offset)
        var end = loc.lineStart
        while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
        var text = String(decoding: bytes[loc.lineStart..<end], as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }
}

/// A half-open range of byte offsets in a source file.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
    // Held as 32-bit offsets: every word of the tree carries a range, and a million-statement
    // script holds a few million of them. Offsets past 2 GiB are clamped (no script is that big).
    private var lower: Int32
    private var upper: Int32

    public var start: Int {
        get { Int(lower) }
        set { lower = Int32(clamping: newValue) }
    }

    public var end: Int {
        get { Int(upper) }
        set { upper = Int32(clamping: newValue) }
    }

    public init(_ start: Int, _ end: Int) {
        lower = Int32(clamping: start)
        upper = Int32(clamping: end)
    }

    public static let none = SourceRange(0, 0)

    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(Swift.min(start, other.start), Swift.max(end, other.end))
    }

    public var description: String { "\(start)..<\(end)" }
}

public struct SourceLocation: Hashable, Sendable {
    public var line: Int
    public var column: Int
    /// Byte offset where the line begins.
    public var lineStart: Int
}
