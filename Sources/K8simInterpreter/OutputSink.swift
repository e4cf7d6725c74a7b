/// Where the interpreter's output goes. The host provides it: the command line writes to the
/// terminal, tests and embedding programs collect text.
public protocol OutputSink: AnyObject {
    /// Normal output (tables, messages), whole lines ending in a newline.
    func write(_ text: String)
    /// Diagnostics and errors.
    func writeError(_ text: String)
}

/// A sink that keeps everything, for tests and embedding programs.
public final class CollectingSink: OutputSink {
    public private(set) var output = ""
    public private(set) var errors = ""
    /// Output and errors interleaved, in the order they came.
    public private(set) var transcript = ""

    public init() {}

    public func write(_ text: String) {
        output += text
        transcript += text
    }

    public func writeError(_ text: String) {
        errors += text
        transcript += text
    }
}
