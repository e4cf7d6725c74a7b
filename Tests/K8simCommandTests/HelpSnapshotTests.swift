import ArgumentParser
import Foundation
import Testing
@testable import k8sim

/// Snapshots of `k8sim --help` and each subcommand's help at 80 columns: a change to the
/// command's words shows in review, and a sentence broken across lines fails here.
/// To regenerate after a deliberate change: `K8SIM_REGENERATE=1 swift test --filter Help`.
@Suite("Command help")
struct HelpSnapshotTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Help")

    static let commands: [(name: String, type: any ParsableCommand.Type)] = [
        ("k8sim", K8simCommand.self), ("run", RunCommand.self), ("test", TestCommand.self), ("tutorial", TutorialCommand.self),
        ("check", CheckCommand.self), ("fmt", FormatCommand.self), ("bench", BenchCommand.self),
    ]

    static func help(_ type: any ParsableCommand.Type) -> String {
        K8simCommand.helpMessage(for: type, columns: 80)
    }

    @Test(arguments: commands.map(\.name))
    func help(name: String) throws {
        let type = try #require(Self.commands.first { $0.name == name }?.type)
        let text = Self.help(type)
        try #require(Self.help(type) == text, "help for \(name) differs between two renderings")
        let url = Self.folder.appendingPathComponent("\(name).txt")
        if ProcessInfo.processInfo.environment["K8SIM_REGENERATE"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        #expect(text == (try String(contentsOf: url, encoding: .utf8)))
    }

    /// No line holds a lone word that the line before it could have taken: the sign of a
    /// paragraph written with a hard line break that the wrapper then broke again.
    @Test(arguments: commands.map(\.name))
    func noSentenceIsBrokenByAHardNewline(name: String) throws {
        let type = try #require(Self.commands.first { $0.name == name }?.type)
        let lines = Self.help(type).split(separator: "\n", omittingEmptySubsequences: false)
        for (previous, line) in zip(lines, lines.dropFirst()) {
            let word = line.trimmingCharacters(in: .whitespaces)
            guard !word.isEmpty, !word.contains(" "), !previous.isEmpty, line.first != " " else { continue }
            #expect(previous.count + 1 + word.count > 80, "\(name): '\(word)' stands alone after a short line: \(previous)")
        }
    }
}
