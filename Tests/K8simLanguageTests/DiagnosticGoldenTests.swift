import Foundation
import Testing
@testable import K8simLanguage

/// Golden files fix the rendered text of diagnostics. Each `Golden/diagnostics/NAME.input`
/// is parsed and its rendered diagnostics compared with `NAME.expected`.
/// To regenerate after a deliberate change: `K8SIM_REGENERATE=1 swift test --filter Golden`,
/// then read the diff before committing it.
@Suite("Golden diagnostics")
struct DiagnosticGoldenTests {
    static let folder = "Tests/K8simLanguageTests/Golden/diagnostics"

    static func inputs() -> [String] {
        let dir = Repo.root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".input") }.map { String($0.dropLast(6)) }.sorted()
    }

    @Test func thereAreGoldenFiles() {
        #expect(Self.inputs().count >= 5)
    }

    @Test(arguments: inputs())
    func rendered(name: String) throws {
        let input = try Repo.read("\(Self.folder)/\(name).input")
        func render() -> String {
            let result = Parser.parse(input, name: "\(name).k8s")
            return DiagnosticRenderer(source: result.source).render(result.diagnostics)
        }
        let rendered = render()
        let expectedURL = Repo.root.appendingPathComponent("\(Self.folder)/\(name).expected")
        if ProcessInfo.processInfo.environment["K8SIM_REGENERATE"] == "1" {
            // A golden file is only written from output that comes out the same twice.
            try #require(render() == rendered, "\(name): rendered differently on a second parse")
            try rendered.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(rendered == expected)
    }
}
