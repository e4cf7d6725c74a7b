/// What parsing a source gives: the statements it could read, every problem found, and
/// whether the input simply stopped early (so the REPL should ask for another line).
public struct ParseResult: Sendable {
    public var source: SourceFile
    public var script: Script
    public var diagnostics: [Diagnostic]
    public var comments: [SourceRange]
    /// Set when the input ended inside a string, a block, or after a continuation `\`.
    public var incompleteness: Incompleteness?

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public var isIncomplete: Bool { incompleteness != nil }
}

/// A parse error on its way up to the statement boundary, where the parser recovers.
struct ParseFailure: Error {
    var diagnostic: Diagnostic
    init(_ diagnostic: Diagnostic) { self.diagnostic = diagnostic }
    init(_ problem: Problem, at range: SourceRange, hint: String? = nil) {
        self.diagnostic = Diagnostic(problem, at: range, hint: hint)
    }
}
