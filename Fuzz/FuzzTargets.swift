import K8simCluster
import K8simInterpreter
import K8simLanguage
import K8simManifests

// libFuzzer targets, built by Scripts/fuzz with -sanitize=fuzzer,address -D FUZZING.
// K8SIM_FUZZ_TARGET picks one: `script` (bytes through the lexer, parser and interpreter on a
// small cluster) or `yaml` (bytes through the manifest reader and the applier).

final class NullSink: OutputSink {
    func write(_ text: String) {}
    func writeError(_ text: String) {}
}

func fuzzScript(_ bytes: [UInt8]) {
    let source = SourceFile(name: "fuzz.k8s", bytes: bytes)
    let parsed = Parser.parse(source)
    _ = DiagnosticRenderer(source: source).render(parsed.diagnostics)
    if !parsed.hasErrors && !parsed.isIncomplete { _ = try? Formatter.format(parsed) }
    var options = SessionOptions()
    options.nodes = 2
    options.keepGoing = true
    options.statementBudget = 500
    let session = Session(options: options, sink: NullSink())
    session.readFile = { _ in "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fuzz}\ndata: {a: b}\n" }
    session.writeFile = { _, _ in true }
    session.run(source)
}

func fuzzYAML(_ bytes: [UInt8]) {
    var reader = ManifestReader(file: "fuzz.yaml")
    guard case .success(let objects) = reader.read(String(decoding: bytes, as: UTF8.self)) else { return }
    var cluster = Cluster(ClusterConfig(nodes: 2))
    _ = ManifestApplier.apply(objects, to: &cluster)
    _ = try? cluster.settle(limit: 3_600_000)
    _ = ManifestWriter.export(cluster)
}

#if FUZZING
import Glibc

nonisolated(unsafe) let target = getenv("K8SIM_FUZZ_TARGET").map { String(cString: $0) } ?? "script"

@_cdecl("LLVMFuzzerTestOneInput")
public func k8simFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if target == "yaml" { fuzzYAML(bytes) } else { fuzzScript(bytes) }
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

// SwiftPM links an executable's entry point under the target's name; hand it to libFuzzer.
@_cdecl("k8sim_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, k8simFuzz)
}
#else
@main
struct FuzzEntry {
    static func main() {
        // Without the fuzzer: run each file given once through both targets (a crash reproducer).
        for path in CommandLine.arguments.dropFirst() {
            guard let f = fopen(path, "rb") else { continue }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = fread(&buffer, 1, buffer.count, f)
                if n <= 0 { break }
                bytes += buffer[0..<n]
            }
            fclose(f)
            fuzzScript(bytes)
            fuzzYAML(bytes)
            print("ran \(path)")
        }
        if CommandLine.arguments.count == 1 { print("k8sim-fuzz: build and run it with Scripts/fuzz; give files to replay them") }
    }
}
import Glibc
#endif
