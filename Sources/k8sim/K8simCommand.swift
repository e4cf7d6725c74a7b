import ArgumentParser
import Foundation
import K8simCluster
import K8simInterpreter
import K8simLanguage
import K8simLineEditor

@main
struct K8simCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "k8sim",
        abstract: "Learn and rehearse Kubernetes without a cluster.",
        discussion: """
            With no arguments k8sim starts the REPL when standard input is a terminal, and reads \
            statements from standard input otherwise. `k8sim FILE.k8s` runs a script.
            """,
        subcommands: [RunCommand.self, TestCommand.self, TutorialCommand.self, CheckCommand.self, FormatCommand.self, BenchCommand.self],
        defaultSubcommand: RunCommand.self
    )

    /// Exit status: 0 on success, 1 on a script error, 2 on a usage error.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            writeError(message + "\n")
            Foundation.exit(2)
        }
    }
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
    // Keep stdout and stderr in order on a terminal.
    fflush(nil)
    FileHandle.standardError.write(Data(text.utf8))
}

/// Output to the terminal: normal text to stdout, errors to stderr.
final class TerminalSink: OutputSink {
    func write(_ text: String) { print(text, terminator: "") }
    func writeError(_ text: String) { k8sim.writeError(text) }
}

/// Colour only on a terminal, and never when NO_COLOR is set.
var colorWanted: Bool {
    let env = ProcessInfo.processInfo.environment
    return isatty(STDOUT_FILENO) == 1 && env["NO_COLOR"] == nil && env["TERM"] != "dumb"
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scripts, statements given with -e, or the REPL."
    )

    @Option(name: .customShort("e"), help: "A statement to run (may be given more than once).")
    var statements: [String] = []

    @Option(help: "Seed for names, addresses and choices; the same seed gives the same output.")
    var seed: UInt64 = 0

    @Option(help: "How many nodes the cluster starts with.")
    var nodes: Int = 3

    @Flag(help: "Print each controller step as it happens.")
    var trace = false

    @Option(name: .customLong("allow-read"), help: "Let scripts read files under this folder too (may be given more than once).")
    var allowRead: [String] = []

    @Flag(name: .customLong("allow-write"), help: "Let scripts write files (export ... to FILE).")
    var allowWrite = false

    @Argument(help: "Scripts to run, in order, on one cluster.")
    var files: [String] = []

    func validate() throws {
        if nodes < 1 || nodes > Limits.nodes { throw ValidationError("--nodes takes 1 to \(Limits.nodes)") }
    }

    /// Scripts read under their own folders (statements given with -e or on stdin, under the
    /// current one) and write nothing unless allowed; the REPL reads and writes under the
    /// current folder.
    func policy(interactive: Bool) -> FilePolicy {
        let cwd = FileManager.default.currentDirectoryPath
        if interactive {
            return FilePolicy(readRoots: [cwd] + allowRead, writeRoots: [cwd], writeAnywhere: allowWrite)
        }
        var roots = files.map { (FilePolicy.canonical($0) as NSString).deletingLastPathComponent }
        if !statements.isEmpty || files.isEmpty { roots.append(cwd) }
        return FilePolicy(readRoots: roots + allowRead, writeAnywhere: allowWrite)
    }

    func makeSession(interactive: Bool) -> Session {
        var options = SessionOptions()
        options.seed = seed
        options.nodes = nodes
        options.trace = trace
        options.color = colorWanted
        options.interactive = interactive
        let session = Session(options: options, sink: TerminalSink())
        session.readFile = { path in FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } }
        session.writeFile = { path, text in (try? text.write(toFile: path, atomically: true, encoding: .utf8)) != nil }
        session.filePolicy = policy(interactive: interactive)
        return session
    }

    func run() throws {
        if !statements.isEmpty || !files.isEmpty {
            let session = makeSession(interactive: false)
            for (i, text) in statements.enumerated() where !session.run(text, name: "-e#\(i + 1)") { throw ExitCode(1) }
            for path in files {
                let source = try readScript(path)
                if !session.run(source) { throw ExitCode(1) }
                if session.quitRequested { break }
            }
            return
        }
        if isatty(STDIN_FILENO) == 1 {
            let session = makeSession(interactive: true)
            REPL(session: session).run()
            return
        }
        let session = makeSession(interactive: false)
        if !session.run(try readScript("-")) { throw ExitCode(1) }
    }
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
