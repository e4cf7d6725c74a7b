import Foundation
import Testing
@testable import K8simInterpreter

@Suite("File access")
struct FilePolicyTests {
    @Test func readsStayUnderTheRootsAndWritesNeedLeave() {
        let p = FilePolicy(readRoots: ["/work/scripts"])
        #expect(p.refusalToRead("/work/scripts/a.yaml") == nil)
        #expect(p.refusalToRead("/work/scripts/sub/b.yaml") == nil)
        #expect(p.refusalToRead("/work/scripts/../secrets.yaml")?.contains("--allow-read /work") == true)
        #expect(p.refusalToRead("/work/scripts-other/x.yaml") != nil)
        #expect(p.refusalToRead("/etc/passwd")?.hasSuffix("run k8sim with --allow-read /etc to allow it") == true)
        #expect(p.refusalToWrite("/work/scripts/out.yaml")?.hasSuffix("run k8sim with --allow-write to allow it") == true)
        #expect(FilePolicy(readRoots: [], writeAnywhere: true).refusalToWrite("/tmp/x.yaml") == nil)
        #expect(FilePolicy(readRoots: ["/r"], writeRoots: ["/r"]).refusalToWrite("/r/x.yaml") == nil)
    }

    @Test func aSessionRefusesWithThePlaceAndTheFlag() {
        let sink = CollectingSink()
        let s = Session(sink: sink)
        s.filePolicy = FilePolicy(readRoots: ["/scripts"])
        s.readFile = { _ in "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n" }
        s.writeFile = { _, _ in true }
        #expect(!s.run("apply /elsewhere/x.yaml", name: "/scripts/t.k8s"))
        #expect(sink.errors.contains("/scripts/t.k8s:1:7: error: k8sim may not read /elsewhere/x.yaml"))
        #expect(s.run("apply x.yaml", name: "/scripts/t.k8s"))
        #expect(!s.run("export to out.yaml", name: "/scripts/t.k8s"))
        #expect(sink.errors.contains("--allow-write"))
    }
}
