/// A readable dump of a syntax tree, one field a line, for tests and `k8sim check --dump`.
/// Source ranges are left out unless asked for, so two parses of differently spaced text
/// that mean the same compare equal. Each node names its fields itself (no reflection); a
/// test checks that every stored field of every node is shown.
public enum ASTDump {
    public static func dump(_ script: Script, ranges: Bool = false) -> String {
        var w = DumpWriter(ranges: ranges)
        for s in script.statements { w.statement(s, 0) }
        return w.out
    }

    public static func dump(_ statement: Statement, ranges: Bool = false) -> String {
        var w = DumpWriter(ranges: ranges)
        w.statement(statement, 0)
        return w.out
    }

    static func show(_ w: Word) -> String {
        var s = ""
        for p in w.parts {
            switch p {
            case .text(let t): s += t
            case .variable(let v): s += "${\(v)}"
            }
        }
        return "\"" + s.replacingEscapes() + "\""
    }
}

/// Writes the dump; `shown` (when set) hears each node and the field names written for it.
struct DumpWriter {
    var out = ""
    let ranges: Bool
    var shown: ((Any, [String]) -> Void)?
    private var labels: [[String]] = []

    init(ranges: Bool, shown: ((Any, [String]) -> Void)? = nil) {
        self.ranges = ranges
        self.shown = shown
    }

    mutating func line(_ indent: Int, _ text: String) {
        out += String(repeating: "  ", count: indent) + text + "\n"
    }

    private func at(_ r: SourceRange) -> String { ranges ? " @\(r)" : "" }

    /// The fields of one node (a struct, or a case's associated values), written by `body`.
    mutating func node(_ value: Any, _ body: (inout DumpWriter) -> Void) {
        labels.append([])
        body(&self)
        let written = labels.removeLast()
        shown?(value, written)
    }

    private mutating func label(_ name: String) { if !labels.isEmpty { labels[labels.count - 1].append(name) } }

    mutating func arg<T>(_ name: String, _ a: Arg<T>?, _ indent: Int) {
        label(name)
        if let a { line(indent, "\(name): \(a.dumpText)\(at(a.range))") }
    }

    mutating func word(_ name: String, _ w: Word?, _ indent: Int) {
        label(name)
        if let w { line(indent, "\(name): \(ASTDump.show(w))\(at(w.range))") }
    }

    /// A plain value (a string, number, flag or keyword).
    mutating func value(_ name: String, _ v: Any?, _ indent: Int) {
        label(name)
        if let v { line(indent, "\(name): \(v)") }
    }

    /// A value shown on its own line under the field it belongs to.
    mutating func bare(_ text: String, _ range: SourceRange?, _ indent: Int) {
        line(indent, text + (range.map(at) ?? ""))
    }

    /// A case's one unlabelled value, on its own line under the case's name.
    mutating func payload(_ text: String, _ range: SourceRange?, _ indent: Int) {
        label("")
        bare(text, range, indent)
    }

    mutating func args<T>(_ name: String, _ list: [Arg<T>], _ indent: Int) {
        label(name)
        guard !list.isEmpty else { return }
        line(indent, "\(name): ")
        for a in list { line(indent + 1, "\(a.dumpText)\(at(a.range))") }
    }

    mutating func words(_ name: String, _ list: [Word], _ indent: Int) {
        label(name)
        guard !list.isEmpty else { return }
        line(indent, "\(name): ")
        for w in list { line(indent + 1, "\(ASTDump.show(w))\(at(w.range))") }
    }

    mutating func body(_ name: String, _ list: [Statement], _ indent: Int) {
        label(name)
        guard !list.isEmpty else { return }
        line(indent, "\(name): ")
        for s in list { statement(s, indent + 1) }
    }

    /// A nested node under its field name.
    mutating func child(_ name: String, _ indent: Int, _ body: (inout DumpWriter) -> Void) {
        label(name)
        line(indent, name)
        body(&self)
    }

    mutating func statement(_ s: Statement, _ indent: Int) {
        line(indent, "\(s.kind.caseName)\(s.kubectl ? " (kubectl)" : "")\(at(s.range))")
        let i = indent + 1
        switch s.kind {
        case .cluster(let c): c.dump(&self, i)
        case .nodeAdd(let n): n.dump(&self, i)
        case .nodeRemove(let name): node(s.kind) { $0.arg("name", name, i) }
        case .nodeAction(let action, let name): node(s.kind) { $0.value("action", action, i); $0.arg("name", name, i) }
        case .crashPod(let name): node(s.kind) { $0.arg("name", name, i) }
        case .registry(let change, let image): node(s.kind) { $0.value("change", change, i); $0.arg("image", image, i) }
        case .deploy(let d): d.dump(&self, i)
        case .scale(let name, let replicas): node(s.kind) { $0.arg("name", name, i); $0.arg("replicas", replicas, i) }
        case .setImage(let si): si.dump(&self, i)
        case .rollout(let r): r.dump(&self, i)
        case .delete(let d): d.dump(&self, i)
        case .expose(let e): e.dump(&self, i)
        case .enableMetalLB(let range): node(s.kind) { $0.arg("range", range, i) }
        case .curl(let c): c.dump(&self, i)
        case .resolve(let r): r.dump(&self, i)
        case .configMap(let name, let data): node(s.kind) { $0.arg("name", name, i); $0.args("data", data, i) }
        case .wait(let w): waitKind(w, i)
        case .setClock(let mode): node(s.kind) { $0.payload("\(mode)", nil, i) }
        case .setSeed(let seed): node(s.kind) { $0.payload(seed.dumpText, seed.range, i) }
        case .setTrace(let on): node(s.kind) { $0.payload("\(on)", nil, i) }
        case .get(let g): g.dump(&self, i)
        case .describe(let kind, let name): node(s.kind) { $0.arg("kind", kind, i); $0.arg("name", name, i) }
        case .map, .pause, .quit, .clear: node(s.kind) { _ in }
        case .timeline(let name): node(s.kind) { $0.arg("name", name, i) }
        case .apply(let file), .source(let file), .save(let file), .load(let file): node(s.kind) { $0.word("file", file, i) }
        case .export(let e): e.dump(&self, i)
        case .let(let name, let value): node(s.kind) { $0.value("name", name, i); $0.word("value", value, i) }
        case .for(let variable, let items, let body):
            node(s.kind) { $0.value("variable", variable, i); $0.words("items", items, i); $0.body("body", body, i) }
        case .repeat(let count, let body): node(s.kind) { $0.arg("count", count, i); $0.body("body", body, i) }
        case .step(let title): node(s.kind) { $0.word("title", title, i) }
        case .say(let text): node(s.kind) { $0.word("text", text, i) }
        case .expect(let e): expectation(e, i)
        case .help(let topic): node(s.kind) { $0.word("topic", topic, i) }
        }
    }

    mutating func waitKind(_ w: Wait, _ i: Int) {
        line(i, w.caseName)
        switch w {
        case .duration(let d): node(w) { $0.payload(d.dumpText, d.range, i + 1) }
        case .rollout(let name): node(w) { $0.payload(name.dumpText, name.range, i + 1) }
        case .ready: node(w) { _ in }
        }
    }

    mutating func expectation(_ e: Expectation, _ i: Int) {
        line(i, e.caseName)
        let j = i + 1
        switch e {
        case .podCount(let p): p.dump(&self, j)
        case .property(let kind, let name, let property, let value):
            node(e) { $0.arg("kind", kind, j); $0.arg("name", name, j); $0.value("property", property, j); $0.word("value", value, j) }
        case .curl(let c, let outcome, let text):
            node(e) { w in
                w.child("curl", j) { c.dump(&$0, j + 1) }
                w.value("outcome", outcome, j)
                w.word("text", text, j)
            }
        case .resolve(let r, let address):
            node(e) { w in
                w.child("resolve", j) { r.dump(&$0, j + 1) }
                w.word("address", address, j)
            }
        case .error(let text, let body): node(e) { $0.word("text", text, j); $0.body("body", body, j) }
        case .event(let text): node(e) { $0.word("text", text, j) }
        }
    }
}

extension ClusterSetup {
    func dump(_ w: inout DumpWriter, _ i: Int) {
        w.node(self) { $0.arg("nodes", nodes, i); $0.arg("cpu", cpu, i); $0.arg("memory", memory, i) }
    }
}

extension NodeAdd {
    func dump(_ w: inout DumpWriter, _ i: Int) {
        w.node(self) { $0.arg("name", name, i); $0.arg("cpu", cpu, i); $0.arg("memory", memory, i); $0.args("labels", labels, i) }
    }
}

extension Deploy {
    func dump(_ w: inout DumpWriter, _ i: Int) {
        w.node(self) { w in
            w.arg("name", name, i)
            w.arg("image", image, i)
            w.arg("replicas", replicas, i)
            w.arg("port", self.port, i)
            w.args("labels", labels, i)
            w.args("env", self.env, i)
            w.arg("config", self.config, i)
            w.arg("cpu", self.cpu, i)
            w.arg("memory", self.memory, i)
            w.value("strategy", self.strategy, i)
            w.arg("surge", self.surge, i)
            w.arg("unavailable", self.unavailable, i)
            w.arg("minReady", self.minReady, i)
            w.arg("history", self.history, i)
            w.arg("deadline", self.deadline, i)
        }
    }
}

extension SetImage {
    func dump(_ w: inout DumpWriter, _ i: Int) {
        w.node(self) { $0.arg("name", name, i); $0.value("container", container, i); $0.arg("image", image, i) }
    }
}

extension Rollout {
    func dump(_ w: inout DumpWriter, _ i: Int) {
        w.node(self) { $0.value("verb", verb, i); $0.arg("name", name, i); $0.arg("revision", revision, i) }
    }
}

extension Delete {
    func dump(_ w: inout DumpWriter, _ i: Int) {
        w.node(self) { $0.arg("kind", kind, i); $0.arg("name", name, i) }
    }
}

extension Expose {
    func dump(_ w: inout DumpWriter, _ i: Int) {
        w.node(self) { w in
            w.arg("name", name, i)
            w.arg("serviceName", serviceName, i)
            w.arg("port", port, i)
            w.arg("target", target, i)
            w.value("type", type.map(\.caseName), i)
            if case .nodePort(let n?)? = type { w.bare(n.dumpText, n.range, i + 1) }
        }
    }
}

extension Curl {
    func dump(_ w: inout DumpWriter, _ i: Int) {
        w.node(self) { $0.arg("target", target, i); $0.arg("from", from, i); $0.arg("times", times, i) }
    }
}

extension Resolve {
    func dump(_ w: inout DumpWriter, _ i: Int) {
        w.node(self) { $0.word("name", name, i); $0.arg("from", from, i) }
    }
}

extension Get {
    func dump(_ w: inout DumpWriter, _ i: Int) {
        w.node(self) { w in
            w.arg("kind", kind, i)
            w.arg("name", name, i)
            w.arg("selector", selector, i)
            switch namespace {
            case .named(let n)?:
                w.value("namespace", "named", i)
                w.bare(n.dumpText, n.range, i + 1)
            case .all?: w.value("namespace", "all", i)
            case nil: w.value("namespace", nil, i)
            }
            w.value("output", output, i)
        }
    }
}

extension Export {
    func dump(_ w: inout DumpWriter, _ i: Int) {
        w.node(self) { $0.arg("kind", kind, i); $0.arg("name", name, i); $0.word("file", file, i) }
    }
}

extension PodCount {
    func dump(_ w: inout DumpWriter, _ i: Int) {
        w.node(self) { $0.arg("selector", selector, i); $0.arg("node", node, i); $0.value("state", state, i); $0.arg("count", count, i) }
    }
}

extension StatementKind {
    /// The case's name, as the dump heads a statement with it.
    var caseName: String {
        switch self {
        case .cluster: "cluster"
        case .nodeAdd: "nodeAdd"
        case .nodeRemove: "nodeRemove"
        case .nodeAction: "nodeAction"
        case .crashPod: "crashPod"
        case .registry: "registry"
        case .deploy: "deploy"
        case .scale: "scale"
        case .setImage: "setImage"
        case .rollout: "rollout"
        case .delete: "delete"
        case .expose: "expose"
        case .enableMetalLB: "enableMetalLB"
        case .curl: "curl"
        case .resolve: "resolve"
        case .configMap: "configMap"
        case .wait: "wait"
        case .setClock: "setClock"
        case .setSeed: "setSeed"
        case .setTrace: "setTrace"
        case .get: "get"
        case .describe: "describe"
        case .map: "map"
        case .timeline: "timeline"
        case .apply: "apply"
        case .export: "export"
        case .source: "source"
        case .save: "save"
        case .load: "load"
        case .let: "let"
        case .for: "for"
        case .repeat: "repeat"
        case .step: "step"
        case .say: "say"
        case .pause: "pause"
        case .expect: "expect"
        case .help: "help"
        case .quit: "quit"
        case .clear: "clear"
        }
    }
}

extension Wait {
    var caseName: String {
        switch self {
        case .duration: "duration"
        case .rollout: "rollout"
        case .ready: "ready"
        }
    }
}

extension Expectation {
    var caseName: String {
        switch self {
        case .podCount: "podCount"
        case .property: "property"
        case .curl: "curl"
        case .resolve: "resolve"
        case .error: "error"
        case .event: "event"
        }
    }
}

extension ServiceKind {
    var caseName: String {
        switch self {
        case .clusterIP: "clusterIP"
        case .nodePort: "nodePort"
        case .loadBalancer: "loadBalancer"
        }
    }
}

extension Arg {
    var dumpText: String {
        guard let v = value else { return "\(ASTDump.show(word)) (checked at run time)" }
        switch v {
        case let s as String: return s
        case let kvs as [KeyValue]: return kvs.map(\.description).joined(separator: ",")
        case let i as ImageRef: return "\(i.text) (\(i.form.rawValue))"
        default: return "\(v)"
        }
    }
}

extension String {
    func replacingEscapes() -> String {
        var out = ""
        for ch in unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
