import ArgumentParser
import Foundation
import K8simInterpreter
import K8simLanguage

/// The `.k8s` files under each path (a file, or a folder searched recursively), sorted.
func scriptFiles(_ paths: [String]) throws -> [String] {
    var found: [String] = []
    for path in paths {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("no such file or folder: \(path)")
        }
        if !isDirectory.boolValue {
            found.append(path)
            continue
        }
        let enumerator = FileManager.default.enumerator(atPath: path)
        var inFolder: [String] = []
        while let item = enumerator?.nextObject() as? String {
            if item.hasSuffix(".k8s") { inFolder.append((path as NSString).appendingPathComponent(item)) }
        }
        found += inFolder.sorted()
    }
    return found
}

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run scripts non-interactively, each on a fresh cluster, and count what passed.",
        discussion: "Ends with a line 'N passed, N failed': one per script, or one per expectation with --verbose. Exits 1 on any failure."
    )

    @Flag(name: .shortAndLong, help: "Count and show each expectation.")
    var verbose = false

    @Option(help: "Seed for every script.")
    var seed: UInt64 = 0

    @Option(name: .customLong("allow-read"), help: "Let scripts read files under this folder too.")
    var allowRead: [String] = []

    @Flag(name: .customLong("allow-write"), help: "Let scripts write files.")
    var allowWrite = false

    @Argument(help: "Scripts, or folders to search for .k8s files.")
    var paths: [String]

    func run() throws {
        let files = try scriptFiles(paths)
        if files.isEmpty { throw ValidationError("no .k8s scripts under \(paths.joined(separator: " "))") }
        var passed = 0, failed = 0
        for path in files {
            var options = SessionOptions()
            options.seed = seed
            options.showExpectations = verbose
            let sink = verbose ? TerminalSink() as OutputSink : QuietSink()
            let session = Session(options: options, sink: sink)
            session.readFile = { p in FileManager.default.contents(atPath: p).map { String(decoding: $0, as: UTF8.self) } }
            session.writeFile = { p, text in (try? text.write(toFile: p, atomically: true, encoding: .utf8)) != nil }
            // Each script reads under its own folder, as `k8sim run` would let it.
            session.filePolicy = FilePolicy(readRoots: [(FilePolicy.canonical(path) as NSString).deletingLastPathComponent] + allowRead,
                                            writeAnywhere: allowWrite)
            if verbose { print("== \(path)") }
            let ok = session.run(try readScript(path))
            if verbose {
                passed += session.expectationsPassed
                failed += session.expectationsFailed + (ok || session.expectationsFailed > 0 ? 0 : 1)
            } else if ok {
                passed += 1
                print("ok   \(path) (\(session.expectationsPassed) expectations)")
            } else {
                failed += 1
                print("FAIL \(path)")
            }
        }
        print("\(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }
}

/// Keeps normal output (and kubectl's warnings) to itself and passes errors on: `k8sim test`
/// shows only failures.
final class QuietSink: OutputSink {
    func write(_ text: String) {}
    func writeError(_ text: String) {
        if !text.hasPrefix("Warning: ") { k8sim.writeError(text) }
    }
}

struct TutorialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tutorial",
        abstract: "List the bundled tutorials, or run one: k8sim tutorial NAME."
    )

    @Argument(help: "A tutorial's name (or its number), as the list shows it.")
    var name: String?

    @Option(help: "Seed for the tutorial's cluster.")
    var seed: UInt64 = 0

    func run() throws {
        guard let name else {
            print("Tutorials (run one with: k8sim tutorial NAME):")
            for t in BundledTutorials.all {
                print("  \(t.name.padding(toLength: 30, withPad: " ", startingAt: 0)) \(t.summary)")
            }
            return
        }
        guard let tutorial = BundledTutorials.all.first(where: { $0.name == name || $0.name.hasPrefix(name + "-") || $0.name.dropFirst(3) == name }) else {
            throw ValidationError("no tutorial '\(name)'; run k8sim tutorial to see the list")
        }
        var options = SessionOptions()
        options.seed = seed
        options.showExpectations = true
        options.interactive = isatty(STDIN_FILENO) == 1
        options.color = colorWanted
        options.tutorial = true
        let session = Session(options: options, sink: TerminalSink())
        session.pauseHandler = {
            print("(press Enter to go on)", terminator: "")
            fflush(nil)
            _ = readLine()
        }
        let ok = session.run(SourceFile(name: "tutorial/\(tutorial.name).k8s", text: tutorial.text))
        print(ok ? "\nTutorial complete: \(session.expectationsPassed) checks passed." : "\nThe tutorial stopped at an error (see above).")
        if !ok { throw ExitCode(1) }
    }
}
