import Foundation
import Testing
@testable import K8simInterpreter

/// Golden transcripts: each `Transcripts/NAME.k8s` runs on a fresh default cluster (seed 0),
/// going on after failed statements, and its output and errors, interleaved, must equal
/// `Transcripts/NAME.out` byte for byte.
/// To regenerate after a deliberate change: `K8SIM_REGENERATE=1 swift test --filter Transcript`,
/// then read the diff before committing it.
@Suite("Transcripts")
struct TranscriptTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Transcripts")

    static func names() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".k8s") }.map { String($0.dropLast(4)) }.sorted()
    }

    static func run(_ name: String) throws -> String {
        let text = try String(contentsOf: folder.appendingPathComponent("\(name).k8s"), encoding: .utf8)
        let sink = CollectingSink()
        var options = SessionOptions()
        options.keepGoing = true
        let session = Session(options: options, sink: sink)
        // `apply manifests/X.yaml` reads the project's copy of the seed's manifests.
        let manifests = folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scripts")
        session.readFile = { path in try? String(contentsOf: manifests.appendingPathComponent(path), encoding: .utf8) }
        session.run(text, name: "\(name).k8s")
        return sink.transcript
    }

    @Test func thereAreTranscripts() {
        #expect(Self.names().count >= 5)
    }

    @Test(arguments: names())
    func transcript(name: String) throws {
        let output = try Self.run(name)
        let expectedURL = Self.folder.appendingPathComponent("\(name).out")
        // The same script twice gives the same bytes, in both modes: a golden file is only
        // written from output that is deterministic.
        try #require(try Self.run(name) == output, "\(name): a second run printed something else")
        if ProcessInfo.processInfo.environment["K8SIM_REGENERATE"] == "1" {
            try output.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(output == expected)
    }
}
