import Foundation
import K8simCluster
import K8simLanguage

/// Settings a host chooses when it starts a session.
public struct SessionOptions: Sendable {
    public var nodes = 3
    public var seed: UInt64 = 0
    public var trace = false
    /// Colour in `map` and expectation marks (never when NO_COLOR is set; the host decides).
    public var color = false
    /// `pause` waits for the host's `pauseHandler` only when interactive.
    public var interactive = false
    /// Print each expectation as it passes (tutorials).
    public var showExpectations = false
    /// Report a failed statement and go on with the next (the REPL, transcripts); otherwise
    /// the first failure stops the run.
    public var keepGoing = false
    /// A tutorial run: a pause before each step after the first, for the reader to look.
    public var tutorial = false
    /// At most this many statements run (loops included); nil for no bound. Fuzzing sets one,
    /// so that `repeat 100000 { ... }` is an error rather than a long wait.
    public var statementBudget: Int?
    public init() {}
}

/// An error from running a statement, with where it happened.
public struct RuntimeError: Error, Sendable {
    public var message: String
    public var range: SourceRange
    public var hint: String?
    /// Set for a failed `expect`, so runners can count them apart.
    public var isExpectation = false
    /// Already printed where it happened (inside a sourced file): not printed again.
    var alreadyReported = false

    init(_ message: String, at range: SourceRange, hint: String? = nil) {
        self.message = message
        self.range = range
        self.hint = hint
    }
}

/// One k8sim session: a cluster, the script's variables and settings, and a sink for output.
/// Sessions share nothing: two in one process are independent.
public final class Session {
    public internal(set) var cluster: Cluster
    public let sink: OutputSink
    public var options: SessionOptions
    public internal(set) var clockMode: ClockMode = .auto
    public internal(set) var variables: [String: String] = [:]
    /// Called by `pause` in an interactive session (the REPL or a tutorial waits for Enter).
    public var pauseHandler: (() -> Void)?
    /// Reads a file for `source` and `apply`; the host may restrict it.
    public var readFile: (String) -> String? = { _ in nil }
    /// Writes a file for `export ... to FILE`; nil when the host allows no writing.
    public var writeFile: ((String, String) -> Bool)?
    /// Which files this session may read and write; nil leaves it to `readFile`/`writeFile`.
    public var filePolicy: FilePolicy?
    /// Set by `quit`.
    public internal(set) var quitRequested = false
    public internal(set) var expectationsPassed = 0
    public internal(set) var expectationsFailed = 0

    /// Where each deployment was at each instant, for `timeline`.
    var samples: [String: [TimelineSample]] = [:]
    var traceShown = 0
    /// Files being run (the script, then what it sources), outermost first, for cycle detection.
    var sourceStack: [String] = []
    var currentSource: SourceFile?
    var stepsSeen = 0
    var statementsRun = 0

    public init(options: SessionOptions = SessionOptions(), sink: OutputSink) {
        self.options = options
        self.sink = sink
        var config = ClusterConfig(nodes: options.nodes, seed: options.seed)
        config.nodes = max(1, options.nodes)
        cluster = Cluster(config)
        cluster.tracing = options.trace
    }

    /// Parses and runs source text. Parse errors are all reported and nothing runs; a runtime
    /// error stops the run. Returns whether everything succeeded.
    @discardableResult
    public func run(_ text: String, name: String = "<input>") -> Bool {
        run(SourceFile(name: name, text: text))
    }

    /// The largest script k8sim reads (a script of 16 MiB holds about 500,000 statements).

    @discardableResult
    public func run(_ source: SourceFile) -> Bool {
        if source.bytes.count > Limits.scriptBytes {
            sink.writeError("\(source.name): error: the script is \(source.bytes.count) bytes; k8sim runs scripts of at most \(Limits.scriptBytes) bytes\n")
            return false
        }
        let result = Parser.parse(source)
        if !result.diagnostics.isEmpty {
            sink.writeError(DiagnosticRenderer(source: source).render(result.diagnostics))
            return false
        }
        let outer = currentSource
        currentSource = source
        sourceStack.append(source.name)
        defer {
            currentSource = outer
            sourceStack.removeLast()
        }
        var ok = true
        for statement in result.script.statements {
            if quitRequested { break }
            do {
                try execute(statement)
            } catch {
                report(error, in: source)
                ok = false
                if !options.keepGoing { break }
            }
        }
        return ok
    }

    func report(_ error: RuntimeError, in source: SourceFile) {
        if error.alreadyReported { return }
        let d = Diagnostic(.runtime(error.message), at: error.range, hint: error.hint)
        sink.writeError(DiagnosticRenderer(source: source).render(d))
    }

    func say(_ text: String) { sink.write(text.hasSuffix("\n") ? text : text + "\n") }

    // MARK: Running one statement

    /// Runs a statement; on failure the cluster is as it was before it. The cluster's own
    /// requests check everything before they change anything, so only statements that can
    /// fail after a change (a failed `expect`, a `wait` that hits its bound) keep a copy to go
    /// back to: holding one would make the next change copy the whole cluster.
    func execute(_ statement: Statement) throws(RuntimeError) {
        if let budget = options.statementBudget {
            guard statementsRun < budget else {
                throw RuntimeError("this session runs at most \(budget) statements", at: statement.range)
            }
            statementsRun += 1
        }
        let eventsBefore = cluster.events.count
        let startTime = cluster.now
        if Self.needsSnapshot(statement.kind) {
            let before = cluster.snapshot()
            do {
                try perform(statement)
            } catch {
                cluster.restore(before)
                throw error
            }
        } else {
            try perform(statement)
        }
        if clockMode == .manual && Self.changesCluster(statement.kind) {
            // Controllers react at once; only time stands still.
            do { try cluster.reconcile() } catch { throw RuntimeError(error.description, at: statement.range) }
            sample()
        }
        if clockMode == .auto && Self.changesCluster(statement.kind) {
            do {
                try settle()
            } catch {
                throw RuntimeError(error.description, at: statement.range)
            }
        }
        flushTrace()
        if Self.changesCluster(statement.kind) || Self.movesTime(statement.kind) {
            summarize(since: eventsBefore, startTime: startTime)
        }
    }

    /// Statements that change the cluster on their way to a failure, and so keep a snapshot to
    /// go back to: `wait`, and the expectations that run something (requests, statements).
    /// The other expectations only read.
    static func needsSnapshot(_ k: StatementKind) -> Bool {
        switch k {
        case .wait, .expect(.curl), .expect(.error): return true
        default: return false
        }
    }

    static func changesCluster(_ k: StatementKind) -> Bool {
        switch k {
        case .cluster, .nodeAdd, .nodeRemove, .nodeAction, .crashPod, .registry, .deploy, .scale, .setImage, .delete,
             .expose, .enableMetalLB, .configMap, .apply:
            return true
        case .rollout(let r):
            return r.verb != .status && r.verb != .history
        default:
            return false
        }
    }

    static func movesTime(_ k: StatementKind) -> Bool {
        if case .wait = k { return true }
        return false
    }

    /// Runs time forward until nothing more happens by itself, sampling every instant.
    func settle() throws(Cluster.SettleError) {
        try cluster.settle(limit: Limits.settleTime) { sample($0) }
    }

    /// Moves time forward by `duration`, sampling every instant.
    func advance(by duration: Int64) throws(Cluster.SettleError) {
        try cluster.advance(by: duration) { sample($0) }
    }

    func flushTrace() {
        guard options.trace else { return }
        let steps = cluster.trace
        if traceShown > steps.count { traceShown = 0 }
        for step in steps[traceShown...] {
            say("  [\(HumanDuration.format(step.time))] \(step.component): \(step.message)")
        }
        traceShown = steps.count
    }

    /// One line on what happened, and how much virtual time it took.
    func summarize(since eventsBefore: Int, startTime: Int64) {
        guard eventsBefore <= cluster.events.count else { return }
        let events = cluster.events[eventsBefore...]
        let elapsed = cluster.now - startTime
        var counts: [(String, Int)] = []
        // One pass, comparing reasons (literals) rather than hashing them: a rollout of 150,000
        // pods leaves a million events to count.
        let labels = ["pods created", "pods started", "pods deleted", "pods evicted", "image pulls failed", "pods unschedulable"]
        var tally = [Int](repeating: 0, count: labels.count)
        for e in events {
            switch e.reason {
            case "SuccessfulCreate": tally[0] += 1
            case "Started": tally[1] += 1
            case "SuccessfulDelete": tally[2] += 1
            case "TaintManagerEviction": tally[3] += 1
            case "Failed" where e.detail == .errImagePull: tally[4] += 1
            case "FailedScheduling": tally[5] += 1
            default: break
            }
        }
        for (label, n) in zip(labels, tally) where n > 0 { counts.append((label, n)) }
        var parts = counts.map { "\($0.1) \($0.1 == 1 ? String($0.0.replacingFirst("pods", with: "pod").replacingFirst("pulls", with: "pull")) : $0.0)" }
        for e in events where e.reason == "NodeNotReady" && e.objectKind == "node" { parts.append("\(e.objectName) NotReady") }
        for e in events where e.reason == "NodeReady" { parts.append("\(e.objectName) Ready") }
        for e in events { if case .assignedIP(let ip) = e.detail { parts.append("\(e.objectName) got \(ip)") } }
        for d in cluster.deployments.values where d.status.condition("Progressing")?.reason == "ProgressDeadlineExceeded"
            && events.contains(where: { $0.objectKind == "deployment" && $0.objectName == d.name }) {
            parts.append("deployment \(d.name) exceeded its progress deadline")
        }
        guard elapsed > 0 || !parts.isEmpty else { return }
        let time = elapsed > 0 ? "after \(HumanDuration.format(elapsed))" : "at once"
        say("# \(time)" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", ")))
    }

    // MARK: Words and variables

    func expand(_ word: Word) throws(RuntimeError) -> String {
        switch word.expand({ [variables] in variables[$0] }) {
        case .success(let s): return s
        case .failure(let unknown):
            throw RuntimeError("unknown variable '$\(unknown.name)'", at: word.range,
                               hint: Suggestions.didYouMean(unknown.name, among: Array(variables.keys)) ?? "set it first: let \(unknown.name) = ...")
        }
    }

    /// The value of a typed argument, checking it now if it held `$` references.
    func value<T>(_ arg: Arg<T>, _ check: (String) throws(WordError) -> T) throws(RuntimeError) -> T {
        if let v = arg.value { return v }
        let text = try expand(arg.word)
        do { return try check(text) } catch {
            throw RuntimeError(error.problem.message, at: arg.range, hint: error.hint)
        }
    }

    func name(_ arg: Arg<String>) throws(RuntimeError) -> String { try value(arg, Words.name) }
    func count(_ arg: Arg<Int>) throws(RuntimeError) -> Int { try value(arg) { (s: String) throws(WordError) in try Words.count(s) } }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = range(of: target) else { return self }
        return replacingCharacters(in: r, with: replacement)
    }
}

struct TimelineSample: Equatable {
    var time: Int64
    var old: Int
    var new: Int
    var available: Int
    var desired: Int
    var maxSurge: Int
    var maxUnavailable: Int
}
