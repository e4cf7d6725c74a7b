/// Where the interpreter's output goes. The host provides it: the command line writes to the
/// terminal, tests and embedding programs collect text.
public protocol OutputSink: AnyObject {
    /// Normal output (tables, messages), each call one or more whole lines.
    func write(_ text: String)
    /// Diagnostics and errors.
    func writeError(_ text: String)
}

/// A sink that keeps everything, for tests and embedding programs.
public final class CollectingSink: OutputSink {
    public private(set) var output = ""
    public private(set) var errors = ""

    public init() {}

    public func write(_ text: String) { output += text }
    public func writeError(_ text: String) { errors += text }
}
