import Testing
@testable import K8simCluster
@testable import K8simInterpreter
@testable import K8simManifests

/// A statement that fails leaves the cluster exactly as it was.
@Suite("Failed statements change nothing")
struct AtomicityTests {
    static func populated() -> (Session, CollectingSink) {
        let sink = CollectingSink()
        var options = SessionOptions()
        options.keepGoing = false
        let s = Session(options: options, sink: sink)
        s.readFile = { path in
            switch path {
            case "bad-multi.yaml":
                return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: first}\ndata: {a: b}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replica: 2}\n"
            case "clash.yaml":
                return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\ndata: {a: b}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: clash}\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports: [{port: 80, nodePort: 31000}]\n"
            default: return nil
            }
        }
        let ok = s.run("""
            deploy web image nginx:1.27 replicas 3 port 80
            expose web nodeport 31000
            deploy redis image redis port 6379
            expose redis
            configmap settings mode=fast
            enable metallb 10.64.140.43-10.64.140.44
            """)
        precondition(ok, sink.errors)
        return (s, sink)
    }

    /// Everything a user could observe: the exported objects, every pod, events, the clock.
    static func fingerprint(_ c: Cluster) -> String {
        let export = (try? ManifestWriter.export(c).get()) ?? ""
        let pods = c.pods.values.map { "\($0.name) \($0.nodeName ?? "-") \($0.displayStatus) \($0.podIP ?? "")" }.sorted()
        let nodes = c.nodes.values.map { "\($0.name) \($0.isReady) \($0.unschedulable) \($0.kubeletUp)" }
        return export + pods.joined(separator: "\n") + nodes.joined(separator: "\n") + "\(c.events.count) \(c.now) \(c.addressPools)"
    }

    static let badStatements: [String] = [
        "cluster nodes 0", "cluster nodes 9999999",
        "node add n1", "node remove n9",
        "fail node n9", "recover node n1", "cordon node n9", "uncordon node n9", "drain node n9",
        "crash pod nope", "registry add $nope",
        "deploy web image v1 surge 0 unavailable 0", "deploy web image v1 label other=x", "deploy Bad image v1",
        "scale nope 3", "scale web to $nope",
        "set image nope v2", "set image web $nope",
        "rollout undo web to revision 9", "rollout undo web", "rollout status nope", "rollout history web revision 7",
        "rollout pause nope", "rollout restart nope",
        "delete deployment nope", "delete service nope", "delete pod nope", "delete configmap nope", "delete node nope",
        "delete replicaset nope", "delete events x",
        "expose nope", "expose web", "expose web as other nodeport 31000", "expose web as low nodeport 80",
        "enable metallb 10.0.0.9-10.0.0.1", "enable metallb $nope",
        "curl web from nope", "resolve redis from nope",
        "configmap bad.key. a=b",
        "wait $nope", "wait until rollout nope",
        "get deployment nope", "describe pod nope", "timeline nope",
        "apply nothing.yaml", "apply bad-multi.yaml", "apply clash.yaml",
        "export deployment nope", "export to out.yaml",
        "source nothing.k8s",
        "say $nope",
        "expect deployment web replicas 7", "expect pods 99", "expect curl web fails", "expect error { get nodes }",
        "expect resolve nothing to 1.2.3.4",
        "repeat $nope { scale web to 5 }",
    ]

    @Test(arguments: badStatements)
    func aFailedStatementChangesNothing(statement: String) {
        let (s, sink) = Self.populated()
        let before = Self.fingerprint(s.cluster)
        #expect(!s.run(statement), "'\(statement)' should fail; output: \(sink.output)")
        #expect(Self.fingerprint(s.cluster) == before, "'\(statement)' changed the cluster")
    }

    @Test func aFailedStatementInALoopKeepsWhatCameBefore() {
        let (s, _) = Self.populated()
        #expect(!s.run("for n in 4 5 nine 6 {\n    scale web to $n\n}"))
        #expect(s.cluster.deployment("web")?.spec.replicas == 5)
        #expect(s.cluster.pods.values.filter { $0.meta.labels["app"] == "web" && !$0.isTerminating }.count == 5)
    }

    @Test func aBadDocumentAppliesNothingOfTheFile() {
        let (s, sink) = Self.populated()
        #expect(!s.run("apply bad-multi.yaml"))
        #expect(s.cluster.configMap("first") == nil)
        #expect(sink.errors.contains("unknown field \"spec.replica\""))
        #expect(!s.run("apply clash.yaml"))
        #expect(s.cluster.configMap("fine") == nil)
        #expect(sink.errors.contains("provided port is already allocated"))
    }
}

@Suite("Limits")
struct LimitTests {
    @Test func eachLimitGivesAClearError() {
        let sink = CollectingSink()
        let s = Session(sink: sink)
        #expect(!s.run("deploy big image v1 replicas 1000001"))
        #expect(sink.errors.contains("k8sim runs at most 1000000 replicas of one workload"))
        #expect(!s.run("cluster nodes 10001"))
        #expect(sink.errors.contains("a cluster has 1 to 10000 nodes"))
        #expect(!s.run("repeat 100001 { map }"))
        #expect(sink.errors.contains("repeat goes up to 100000"))
        #expect(!s.run("wait 745h"))
        #expect(sink.errors.contains("wait at most 30 days at a time"))
        #expect(!s.run("curl n1:31000 times 10001"))
        #expect(sink.errors.contains("times goes from 1 to 10000"))
        let huge = String(repeating: "map\n", count: (Limits.scriptBytes / 4) + 1)
        #expect(!s.run(huge, name: "huge.k8s"))
        #expect(sink.errors.contains("huge.k8s: error: the script is"))
    }

    @Test func settleAndSourceDepthAreBounded() {
        let sink = CollectingSink()
        let s = Session(sink: sink)
        s.readFile = { path in path.hasSuffix(".k8s") ? "source \(path.dropLast(4))x.k8s" : nil }
        #expect(!s.run("source a.k8s", name: "start.k8s"))
        #expect(sink.errors.contains("source is nested more than 16 deep"))
        var c = Cluster()
        #expect(throws: Cluster.SettleError.self) {
            try c.failNode("n1")
            try c.settle(limit: 1000)
        }
        #expect(Limits.nodes == 10_000 && Limits.pods == 2_000_000 && Limits.settleSteps == 10_000_000)
    }
}

@Suite("Save and load")
struct SaveLoadTests {
    @Test func aSessionSurvivesARestart() throws {
        var files: [String: String] = [:]
        func session() -> (Session, CollectingSink) {
            let sink = CollectingSink()
            let s = Session(sink: sink)
            s.readFile = { files[$0] }
            s.writeFile = { path, text in files[path] = text; return true }
            return (s, sink)
        }
        let (first, _) = session()
        #expect(first.run("""
            deploy web image nginx:1.27 replicas 4 port 80
            expose web nodeport 31000
            configmap settings mode=fast
            let tag = 1.28
            set clock manual
            set image web nginx:$tag
            wait 1s
            fail node n2
            wait 20s
            save lesson.k8state
            """))
        let saved = try #require(files["lesson.k8state"])
        #expect(saved.contains(#""format":"k8sim-session\/3""#))
        let (second, _) = session()
        #expect(second.run("load lesson.k8state"))
        // The loaded session goes on exactly as the first does.
        let next = "wait until ready\nget pods wide\ncurl n1:31000 times 3\nexpect deployment web image nginx:$tag\nget events"
        let firstRest = first.sink as? CollectingSink
        let before1 = firstRest?.output.count ?? 0
        #expect(first.run(next))
        let out1 = String((firstRest?.output ?? "").dropFirst(before1))
        let secondSink = second.sink as? CollectingSink
        let before2 = secondSink?.output.count ?? 0
        #expect(second.run(next))
        let out2 = String((secondSink?.output ?? "").dropFirst(before2))
        #expect(out1 == out2)
        #expect(second.cluster.now == first.cluster.now && second.clockMode == .manual)
    }

    @Test func otherFilesAndFormatsAreRefused() {
        let sink = CollectingSink()
        let s = Session(sink: sink)
        let files = ["old.k8state": "{\"format\":\"k8sim-session/0\"}", "junk.k8state": "not json"]
        s.readFile = { files[$0] }
        #expect(!s.run("load old.k8state"))
        #expect(sink.errors.contains("'old.k8state' is a session in format k8sim-session/0; this k8sim reads k8sim-session/3"))
        #expect(!s.run("load junk.k8state"))
        #expect(sink.errors.contains("'junk.k8state' is not a saved k8sim session"))
        #expect(s.cluster.nodes.count == 3)
    }
}
