import Testing
import K8simCluster
import K8simInterpreter

/// The embedding API, as the README shows it.
@Suite("Embedding")
struct EmbeddingTests {
    @Test func readmeExample() throws {
        // --- README: embedding (keep in step with README.md) ---
        let sink = CollectingSink()
        var options = SessionOptions()
        options.nodes = 3
        options.seed = 42
        let session = Session(options: options, sink: sink)
        let ok = session.run("""
            deploy echo image ghcr.io/subicura/echo:v1 replicas 4
            expose echo port 3000 nodeport 31000
            curl n2:31000
            """)
        let echo = session.cluster.deployment("echo")
        print(sink.output)
        // --- end ---
        #expect(ok)
        #expect(echo?.status.availableReplicas == 4)
        #expect(sink.output.contains("deployment.apps/echo created"))
        #expect(sink.output.contains("hello from echo-"))
        #expect(sink.errors.isEmpty)
    }

    @Test func twoSessionsAreIndependent() {
        let a = Session(sink: CollectingSink())
        let b = Session(sink: CollectingSink())
        #expect(a.run("deploy one image v1 replicas 2"))
        #expect(b.run("cluster nodes 5"))
        #expect(a.cluster.nodes.count == 3 && b.cluster.nodes.count == 5)
        #expect(b.cluster.deployments.isEmpty && a.cluster.deployments.count == 1)
    }

    @Test func aFailedStatementChangesNothing() {
        let sink = CollectingSink()
        let s = Session(sink: sink)
        #expect(s.run("deploy web image v1 replicas 2"))
        let before = s.cluster
        #expect(!s.run("deploy web image v1 surge 0 unavailable 0"))
        #expect(s.cluster.deployments == before.deployments && s.cluster.pods == before.pods)
        #expect(sink.errors.contains("<input>:1:1: error: The Deployment \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"))
    }

    @Test func manualClockMovesOnlyWithWait() {
        let s = Session(sink: CollectingSink())
        #expect(s.run("set clock manual; deploy web image v1 replicas 2"))
        #expect(s.cluster.now == 0)
        #expect(s.cluster.deployment("web")?.status.availableReplicas == 0)
        #expect(s.run("wait 2s"))
        #expect(s.cluster.now == 2000 && s.cluster.deployment("web")?.status.availableReplicas == 2)
    }

    @Test func sourceRunsAnotherFileAndCatchesCycles() {
        let sink = CollectingSink()
        let s = Session(sink: sink)
        let files = ["/s/a.k8s": "deploy a image v1\nsource b.k8s", "/s/b.k8s": "source a.k8s"]
        s.readFile = { files[$0] }
        #expect(!s.run(SourceFileFor.text(files["/s/a.k8s"] ?? "", name: "/s/a.k8s")))
        #expect(sink.errors.contains("source cycle: /s/a.k8s is already being run"))
        #expect(s.cluster.deployment("a") != nil)
    }

    @Test func completionKnowsGrammarAndCluster() {
        let s = Session(sink: CollectingSink())
        s.run("deploy echo image v1; deploy redis image redis")
        #expect(Completion.candidates(for: "dep", in: s.cluster).candidates == ["deploy"])
        #expect(Completion.candidates(for: "scale e", in: s.cluster).candidates == ["echo"])
        #expect(Completion.candidates(for: "get ", in: s.cluster).candidates.contains("pods"))
        #expect(Completion.candidates(for: "fail node n", in: s.cluster).candidates == ["n1", "n2", "n3"])
        #expect(Completion.candidates(for: "deploy echo image v2 rep", in: s.cluster).candidates == ["replicas"])
    }
}

import K8simLanguage
enum SourceFileFor {
    static func text(_ t: String, name: String) -> SourceFile { SourceFile(name: name, text: t) }
}
