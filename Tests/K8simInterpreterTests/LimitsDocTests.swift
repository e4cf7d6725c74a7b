import Foundation
import K8simCluster
import K8simInterpreter
import Testing

/// docs/LANGUAGE.md's table of limits shows the values the code enforces.
@Suite("Limits in the docs")
struct LimitsDocTests {
    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }

    @Test func theTableShowsEachLimit() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/LANGUAGE.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let rows: [(String, String)] = [
            ("nodes in a cluster", Self.grouped(Limits.nodes)),
            ("replicas of one workload", Self.grouped(Limits.replicas)),
            ("pods in a cluster", Self.grouped(Limits.pods)),
            ("`repeat`", "\(Self.grouped(Limits.repeatCount)) times"),
            ("`curl ... times`", Self.grouped(Limits.curlTimes)),
            ("`wait`", "\(Limits.waitTime / 86_400_000) days at a time"),
            ("`source` nesting", "\(Limits.sourceDepth) deep"),
            ("a script", "\(Limits.scriptBytes >> 20) MiB"),
            ("settling", "\(Self.grouped(Limits.settleSteps)) controller steps, \(Limits.settleTime / 3_600_000) hours of virtual time"),
        ]
        for (what, value) in rows {
            #expect(text.contains("| \(what) | \(value)"), "docs/LANGUAGE.md: the row '\(what)' should read '\(value)'")
        }
    }
}
