import Foundation
import Testing
@testable import K8simInterpreter

/// The saved-session file is a schema of its own (docs/SESSION-FORMAT.md): the objects, the
/// clock and its timers, the random generator, the counters, the variables. Its key paths are
/// pinned here, so a change to an index, a queue or a memo (none of which is saved) cannot
/// change the file, and a change to the schema shows in review.
/// To regenerate after a deliberate change (and a new format version): `K8SIM_REGENERATE=1
/// swift test --filter SessionSchema`.
@Suite("Session schema")
struct SessionSchemaTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("SessionSchema.txt")

    /// A session that touches every kind of object and timer.
    static func savedText() throws -> String {
        var files: [String: String] = [:]
        let sink = CollectingSink()
        let s = Session(sink: sink)
        s.readFile = { files[$0] }
        s.writeFile = { path, text in files[path] = text; return true }
        let ok = s.run("""
            deploy web image nginx:1.27 replicas 4 port 80 label tier=web env A=1 minready 5s
            deploy counter image ghcr.io/subicura/counter:latest port 3000 env REDIS_HOST=redis
            deploy redis image redis port 6379
            expose redis port 6379
            expose web nodeport 31000
            enable metallb 10.64.140.43-10.64.140.49
            expose counter as counter-lb loadbalancer port 80 target 3000
            configmap settings mode=fast
            curl 10.64.140.43:80
            registry remove nginx:bad
            let tag = 1.28
            set clock manual
            set image web nginx:$tag
            wait 1s
            deploy bad image nginx:bad
            wait 3s
            fail node n2
            wait 20s
            save lesson.k8state
            """)
        guard ok else { throw Failure(description: sink.errors) }
        guard let text = files["lesson.k8state"] else { throw Failure(description: "nothing saved") }
        return text
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Members whose keys are data (variable names, pod uids, Redis keys), not schema.
    static let maps: Set<String> = ["variables", "cluster.redisData", "cluster.redisData.*"]

    /// Every key path in a JSON value: `a.b` for members, `a[]` for any element of a list, and
    /// `a.*` for any key of a map.
    static func paths(_ value: Any, _ prefix: String, into out: inout Set<String>) {
        if let object = value as? [String: Any] {
            for (k, v) in object {
                let path = prefix.isEmpty ? k : "\(prefix).\(maps.contains(prefix) ? "*" : k)"
                out.insert(path)
                paths(v, path, into: &out)
            }
        } else if let list = value as? [Any] {
            for v in list { paths(v, prefix + "[]", into: &out) }
        }
    }

    static func schema() throws -> String {
        let json = try JSONSerialization.jsonObject(with: Data(try savedText().utf8))
        var out = Set<String>()
        paths(json, "", into: &out)
        return out.sorted().joined(separator: "\n") + "\n"
    }

    @Test func theSavedFileHasThePinnedSchema() throws {
        let schema = try Self.schema()
        try #require(try Self.schema() == schema, "the schema of two saves differs")
        if ProcessInfo.processInfo.environment["K8SIM_REGENERATE"] == "1" {
            try schema.write(to: Self.golden, atomically: true, encoding: .utf8)
            return
        }
        #expect(schema == (try String(contentsOf: Self.golden, encoding: .utf8)))
    }

    /// Nothing derived is saved: no index, queue, memo or count that the objects determine.
    @Test func noDerivedStateIsSaved() throws {
        let schema = try Self.schema()
        for derived in ["podsByOwner", "podsByNode", "labelIndexBuilt", "lastOwnerKey", "endpointChanges", "trace", "usage", "usedHosts",
                        "foreground", "parked", "unscheduled", "deadlineChecks", "allocatedNodePorts", "graceTimer"] {
            #expect(!schema.contains(derived), "the saved file holds \(derived)")
        }
    }

    /// docs/SESSION-FORMAT.md describes each part of the saved cluster.
    @Test func theFormatIsDocumented() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/SESSION-FORMAT.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let top = try Self.schema().split(separator: "\n").filter { !$0.contains(".") || ($0.hasPrefix("cluster.") && $0.split(separator: ".").count == 2) }
        for key in top {
            let name = key.split(separator: ".").last.map(String.init) ?? String(key)
            #expect(text.contains("`\(name)`"), "docs/SESSION-FORMAT.md does not describe `\(name)`")
        }
        #expect(text.contains(SavedSession.currentFormat))
    }
}
