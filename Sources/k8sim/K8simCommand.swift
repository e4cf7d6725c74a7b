import ArgumentParser
import Foundation
import K8simLanguage

@main
struct K8simCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "k8sim",
        abstract: "Learn and rehearse Kubernetes without a cluster.",
        subcommands: [CheckCommand.self, FormatCommand.self]
    )
}

/// Reads a script file, or stdin for `-`.
func readScript(_ path: String) throws -> SourceFile {
    if path == "-" {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        return SourceFile(name: "<stdin>", bytes: Array(data))
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ValidationError("cannot read '\(path)': no such file, or not readable")
    }
    return SourceFile(name: path, bytes: Array(data))
}

/// Parses each script and hands it to `body`, which says whether it passed; exits 1 if any failed.
func forEachScript(_ paths: [String], _ body: (String, ParseResult) throws -> Bool) throws {
    var failed = false
    for path in paths {
        if try !body(path, Parser.parse(try readScript(path))) { failed = true }
    }
    if failed { throw ExitCode(1) }
}

func writeError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse scripts without running them and report every error."
    )

    @Flag(name: .long, help: "Print the syntax tree of each script.")
    var dump = false

    @Argument(help: "Scripts to check ('-' for standard input).")
    var files: [String]

    func run() throws {
        try forEachScript(files) { path, result in
            if dump { print(ASTDump.dump(result.script), terminator: "") }
            if result.diagnostics.isEmpty { return true }
            writeError(DiagnosticRenderer(source: result.source).render(result.diagnostics))
            return false
        }
    }
}

struct FormatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Format scripts: canonical spacing and option order, one statement per line."
    )

    @Flag(name: .long, help: "Change no file; exit 1 if any is not formatted.")
    var check = false

    @Argument(help: "Scripts to format in place ('-' formats standard input to standard output).")
    var files: [String]

    func run() throws {
        try forEachScript(files) { path, result in
            let formatted: String
            do {
                formatted = try Formatter.format(result)
            } catch {
                writeError(DiagnosticRenderer(source: result.source).render(result.diagnostics))
                return false
            }
            if path == "-" {
                print(formatted, terminator: "")
            } else if formatted != result.source.text {
                if check {
                    writeError("\(path): not formatted\n")
                    return false
                }
                try formatted.write(toFile: path, atomically: true, encoding: .utf8)
            }
            return true
        }
    }
}
