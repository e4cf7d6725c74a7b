import ArgumentParser
import Foundation
import K8simInterpreter
import K8simLanguage
import K8simManifests

/// `k8sim bench`: the performance figures of docs/PERFORMANCE.md, each the median of several
/// runs, printed and written as JSON. Build in release mode first (`swift build -c release`).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure parsing, the interpreter, a 5,000-node cluster, a rollout, a node failure and cold start."
    )

    @Option(help: "Runs of each figure; the median is reported.")
    var runs = 3

    @Option(help: "Size factor: 1 is 5,000 nodes, 150,000 pods and 1,000,000 statements.")
    var scale = 1.0

    @Option(help: "Write the figures as JSON to this file.")
    var json: String?

    final class NullSink: OutputSink {
        func write(_ text: String) {}
        func writeError(_ text: String) {}
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
    }

    static func peakMemoryMB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024  // Linux reports kilobytes
    }

    static func script(statements: Int) -> String {
        let lines = ["deploy echo image ghcr.io/subicura/echo:v1 replicas 4 label app=echo", "scale echo to 6",
                     "kubectl get pods -o wide", "expose counter as counter-np port 3000 nodeport 31000", "wait 30s",
                     "curl n1:31000", "set image echo v2", "rollout undo echo to revision 2"]
        var out = ""
        out.reserveCapacity(statements * 32)
        for i in 0..<statements { out += lines[i % lines.count] + "\n" }
        return out
    }

    struct Figure {
        var name: String
        var value: Double
        var unit: String
        var target: String
    }

    func run() throws {
        #if DEBUG
        print("note: this is a debug build; build with `swift build -c release` for real figures")
        #endif
        var figures: [Figure] = []
        func add(_ name: String, _ value: Double, _ unit: String, _ target: String = "") {
            figures.append(Figure(name: name, value: value, unit: unit, target: target))
            print("\(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%12.3f", value)) \(unit)\(target.isEmpty ? "" : "   (target \(target))")")
            fflush(nil)
        }
        let host = ProcessInfo.processInfo
        print("k8sim bench: \(host.activeProcessorCount) cores, \(host.physicalMemory >> 30) GiB, \(host.operatingSystemVersionString); median of \(runs) runs")

        // 1. Lexing and parsing, with `wc -l` over the same file as a floor.
        func parse(_ statements: Int) -> (seconds: Double, bytes: Int) {
            let text = Self.script(statements: statements)
            let source = SourceFile(name: "bench.k8s", text: text)
            // The tree is freed after the clock stops: freeing it is not parsing.
            let t = Self.median((0..<runs).map { _ in
                var result: ParseResult?
                let t = Self.seconds { result = Parser.parse(source) }
                withExtendedLifetime(result) {}
                return t
            })
            return (t, source.bytes.count)
        }
        let statements = Int(1_000_000 * scale)
        let (parseTime, bytes) = parse(statements)
        add("parse: MB/s", Double(bytes) / parseTime / 1e6, "MB/s", "≥ 100")
        add("parse: statements/s", Double(statements) / parseTime, "stmt/s")
        let file = NSTemporaryDirectory() + "k8sim-bench-\(getpid()).k8s"
        try Self.script(statements: statements).write(toFile: file, atomically: true, encoding: .utf8)
        let wc = Self.median((0..<runs).map { _ in Self.seconds { Self.spawn("/usr/bin/wc", ["-l", file]) } })
        add("wc -l on the same file: MB/s", Double(bytes) / wc / 1e6, "MB/s")
        try? FileManager.default.removeItem(atPath: file)

        // 2. The interpreter: statements with the clock in manual mode.
        let interpreterStatements = 100_000
        var interp = "set clock manual\ndeploy web image v1 replicas 2\n"
        for i in 0..<interpreterStatements {
            // A mix that leaves the cluster as it found it, so the figure is the interpreter's
            // own cost per statement, not a growing cluster's.
            interp += ["let a = b", "scale web to 2", "expect deployment web replicas 2", "set seed 1", "get deployment web"][i % 5] + "\n"
        }
        let interpTime = Self.median((0..<runs).map { _ in
            let session = Session(sink: NullSink())
            return Self.seconds { session.run(interp, name: "interp.k8s") }
        })
        add("interpreter: statements/s", Double(interpreterStatements) / interpTime, "stmt/s", "≥ 100000")

        // 3-5. A cluster of Kubernetes' full size: settle, roll out, lose a node.
        func cluster(nodes: Int, pods: Int) -> (settle: Double, rollout: Double, failure: Double) {
            var settle: [Double] = [], rollout: [Double] = [], failure: [Double] = []
            for _ in 0..<runs {
                var options = SessionOptions()
                options.nodes = nodes
                let session = Session(options: options, sink: NullSink())
                session.run("set clock manual")
                settle.append(Self.seconds { session.run("deploy big image v1 replicas \(pods); wait until ready") })
                rollout.append(Self.seconds { session.run("set image big v2; wait until ready") })
                failure.append(Self.seconds { session.run("fail node n17; wait until ready") })
            }
            return (Self.median(settle), Self.median(rollout), Self.median(failure))
        }
        let nodes = max(2, Int(5000 * scale)), pods = max(2, Int(150_000 * scale))
        let full = cluster(nodes: nodes, pods: pods)
        add("scale: \(nodes) nodes, \(pods) pods settled", full.settle, "s", "≤ 1")
        add("scale: peak memory so far", Self.peakMemoryMB(), "MB", "≤ 1024")
        add("rolling update of \(pods) pods", full.rollout, "s", "≤ 3")
        add("node failure, eviction and rescheduling", full.failure * 1000, "ms", "≤ 50")

        // 6. Cold start of the command.
        let me = Bundle.main.executablePath ?? CommandLine.arguments[0]
        let cold = Self.median((0..<max(5, runs)).map { _ in Self.seconds { Self.spawn(me, ["-e", "get nodes"]) } })
        add("cold start: k8sim -e 'get nodes'", cold * 1000, "ms", "≤ 20")

        // 7. Growth: the same at half size; the ratio says how work grows.
        let (halfParse, halfBytes) = parse(statements / 2)
        add("growth: parse 2N/N", parseTime / halfParse * (Double(halfBytes) / Double(bytes)) * 2, "×", "≤ 2.3")
        let half = cluster(nodes: max(1, nodes / 2), pods: pods / 2)
        add("growth: settle 2N/N", full.settle / half.settle, "×", "≤ 2.3")
        add("growth: rolling update 2N/N", full.rollout / half.rollout, "×", "≤ 2.3")
        add("growth: node failure 2N/N", full.failure / half.failure, "×", "≤ 2.3")

        if let json {
            let tree = Tree.exact([
                ("machine", Tree.exact([("cores", .int(host.activeProcessorCount)), ("memoryGiB", .int(Int(host.physicalMemory >> 30))),
                                        ("os", .string(host.operatingSystemVersionString))])),
                ("runs", .int(runs)), ("scale", .string(String(scale))),
                ("figures", .list(figures.map { f in
                    Tree.exact([("name", .string(f.name)), ("value", .string(String(format: "%.3f", f.value))), ("unit", .string(f.unit)),
                                ("target", f.target.isEmpty ? nil : .string(f.target))])
                })),
            ])
            try tree.json.write(toFile: json, atomically: true, encoding: .utf8)
            print("wrote \(json)")
        }
    }

    /// Runs a program and waits for it (posix_spawn: Foundation's Process adds milliseconds
    /// of its own, which would blur a cold-start figure), its output sent to /dev/null.
    static func spawn(_ path: String, _ arguments: [String]) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
