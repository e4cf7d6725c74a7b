/// The formatter: canonical spacing and option order, one statement per line, four spaces
/// inside loop bodies, comments kept, at most one blank line in a row. Words are printed as
/// written (quotes and `$` references included), so the output parses to the same tree.
public struct Formatter {
    public enum Failure: Error, Equatable {
        /// Source with errors is not formatted: fix them first.
        case hasErrors([Diagnostic])
    }

    let source: SourceFile
    let comments: [SourceRange]
    var nextComment = 0
    var out = ""
    /// Offset just past the last thing printed, for blank-line and trailing-comment decisions.
    var lastEnd = 0

    public static func format(_ text: String, name: String = "<input>") throws(Failure) -> String {
        try format(Parser.parse(text, name: name))
    }

    public static func format(_ result: ParseResult) throws(Failure) -> String {
        if result.hasErrors || result.isIncomplete {
            throw .hasErrors(result.diagnostics)
        }
        var f = Formatter(source: result.source, comments: result.comments)
        // A shebang stays on the first line.
        if let first = f.comments.first, first.start == 0 {
            f.out += result.source.text(in: first) + "\n"
            f.nextComment = 1
            f.lastEnd = first.end
        }
        f.statements(result.script.statements, indent: 0, blockEnd: result.source.bytes.count)
        return f.out
    }

    mutating func statements(_ list: [Statement], indent: Int, blockEnd: Int) {
        let pad = String(repeating: "    ", count: indent)
        for (i, s) in list.enumerated() {
            leadingComments(before: s.range.start, pad: pad)
            blankLineIfAny(before: s.range.start)
            out += pad
            render(s, indent: indent)
            lastEnd = s.range.end
            trailingComment(before: i + 1 < list.count ? list[i + 1].range.start : blockEnd)
            out += "\n"
        }
        leadingComments(before: blockEnd, pad: pad)
    }

    /// Keeps one blank line where the source had one or more.
    mutating func blankLineIfAny(before offset: Int) {
        guard !out.isEmpty, !out.hasSuffix("{\n"), lastEnd < offset else { return }
        var newlines = 0
        for b in source.bytes[lastEnd..<offset] where b == UInt8(ascii: "\n") { newlines += 1 }
        if newlines >= 2 { out += "\n" }
    }

    mutating func leadingComments(before offset: Int, pad: String) {
        while nextComment < comments.count, comments[nextComment].start < offset {
            let c = comments[nextComment]
            blankLineIfAny(before: c.start)
            out += pad + trimmed(source.text(in: c)) + "\n"
            lastEnd = c.end
            nextComment += 1
        }
    }

    /// A comment on the same line as the statement's end stays at the end of that line.
    mutating func trailingComment(before next: Int) {
        guard nextComment < comments.count else { return }
        let c = comments[nextComment]
        guard c.start >= lastEnd, c.start < next, !source.bytes[lastEnd..<c.start].contains(UInt8(ascii: "\n")) else { return }
        out += "  " + trimmed(source.text(in: c))
        lastEnd = c.end
        nextComment += 1
    }

    func trimmed(_ s: String) -> String {
        var s = Substring(s)
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s = s.dropLast() }
        return String(s)
    }

    func w(_ word: Word) -> String { source.text(in: word.range) }
    func w<T>(_ arg: Arg<T>) -> String { source.text(in: arg.range) }
    func opt<T>(_ arg: Arg<T>?) -> String? { arg.map { source.text(in: $0.range) } }

    /// Lines longer than this are wrapped between option groups with a continuation `\`.
    static let width = 100

    /// Prints a statement's groups (`deploy echo`, `replicas 4`, `label a=b c=d`, ...) separated
    /// by spaces, wrapping before a group that would pass `width`.
    mutating func emit(_ parts: [String?]) {
        let groups = parts.compactMap { $0 }
        let lineStart = out.lastIndex(of: "\n").map { out.index(after: $0) } ?? out.startIndex
        let indent = String(out[lineStart...].prefix { $0 == " " })
        var column = out[lineStart...].count
        for (i, g) in groups.enumerated() {
            if i > 0 {
                if column + 1 + g.count + 2 > Self.width, i > 1 {
                    out += " \\\n" + indent + "    "
                    column = indent.count + 4
                } else {
                    out += " "
                    column += 1
                }
            }
            out += g
            column += g.count
        }
    }

    func option<T>(_ keyword: String, _ arg: Arg<T>?) -> String? {
        arg.map { "\(keyword) \(w($0))" }
    }

    func list(_ keyword: String, _ args: [Arg<KeyValue>]) -> String? {
        args.isEmpty ? nil : ([keyword] + args.map { w($0) }).joined(separator: " ")
    }

    mutating func body(_ list: [Statement], indent: Int, end: Int) {
        out += " {\n"
        statements(list, indent: indent + 1, blockEnd: end)
        out += String(repeating: "    ", count: indent) + "}"
    }

    /// Prints the statement as a kubectl line: its words, single-spaced.
    mutating func verbatim(_ s: Statement) {
        let text = SourceFile(name: source.name, text: source.text(in: s.range))
        let lexed = Lexer.tokenize(text)
        out += lexed.tokens.filter { $0.kind == .word }.map { text.text(in: $0.range) }.joined(separator: " ")
    }

    mutating func render(_ s: Statement, indent: Int) {
        if s.kubectl {
            verbatim(s)
            return
        }
        switch s.kind {
        case .cluster(let c):
            emit(["cluster nodes", w(c.nodes), option("cpu", c.cpu), option("memory", c.memory)])
        case .nodeAdd(let n):
            emit(["node add \(w(n.name))", option("cpu", n.cpu), option("memory", n.memory), list("label", n.labels)])
        case .nodeRemove(let name):
            emit(["node remove", w(name)])
        case .nodeAction(let action, let name):
            emit([action.rawValue, "node", w(name)])
        case .crashPod(let name):
            emit(["crash pod", w(name)])
        case .registry(let change, let image):
            emit(["registry", change.rawValue, w(image)])
        case .deploy(let d):
            emit(["deploy \(w(d.name))", "image \(w(d.image))", option("replicas", d.replicas), option("port", d.port),
                  list("label", d.labels), list("env", d.env), option("config", d.config),
                  option("cpu", d.cpu), option("memory", d.memory), d.strategy.map { "strategy \($0.rawValue)" },
                  option("surge", d.surge), option("unavailable", d.unavailable), option("minready", d.minReady),
                  option("history", d.history), option("deadline", d.deadline)])
        case .scale(let name, let replicas):
            emit(["scale", w(name), w(replicas)])
        case .setImage(let si):
            emit(["set image", w(si.name), w(si.image)])
        case .rollout(let r):
            var revision: String?
            if let rev = r.revision { revision = (r.verb == .undo ? "to revision " : "revision ") + w(rev) }
            emit(["rollout", r.verb.rawValue, w(r.name), revision])
        case .delete(let d):
            emit(["delete", w(d.kind), w(d.name)])
        case .expose(let e):
            var type: String?
            switch e.type {
            case .clusterIP: type = "clusterip"
            case .nodePort(let n): type = n.map { "nodeport \(w($0))" } ?? "nodeport"
            case .loadBalancer: type = "loadbalancer"
            case nil: type = nil
            }
            emit(["expose \(w(e.name))", option("as", e.serviceName), option("port", e.port), option("target", e.target), type])
        case .enableMetalLB(let range):
            emit(["enable metallb", w(range)])
        case .curl(let c):
            emit(["curl", w(c.target), option("from", c.from), option("times", c.times)])
        case .resolve(let r):
            emit(["resolve", w(r.name), option("from", r.from)])
        case .configMap(let name, let data):
            emit(["configmap", w(name)] + data.map { w($0) })
        case .wait(let wait):
            switch wait {
            case .duration(let d): emit(["wait", w(d)])
            case .rollout(let n): emit(["wait until rollout", w(n)])
            case .ready: emit(["wait until ready"])
            }
        case .setClock(let mode):
            emit(["set clock", mode.rawValue])
        case .setSeed(let seed):
            emit(["set seed", w(seed)])
        case .setTrace(let on):
            emit(["set trace", on ? "on" : "off"])
        case .get(let g):
            var ns: String?
            switch g.namespace {
            case .named(let n): ns = "in \(w(n))"
            case .all, nil: ns = nil
            }
            emit(["get", w(g.kind), opt(g.name), option("where", g.selector), ns, g.output?.rawValue])
        case .describe(let kind, let name):
            emit(["describe", w(kind), w(name)])
        case .map:
            emit(["map"])
        case .timeline(let name):
            emit(["timeline", w(name)])
        case .apply(let file):
            emit(["apply", w(file)])
        case .export(let e):
            emit(["export", opt(e.kind), opt(e.name), e.file.map { "to \(w($0))" }])
        case .source(let file):
            emit(["source", w(file)])
        case .save(let file):
            emit(["save", w(file)])
        case .load(let file):
            emit(["load", w(file)])
        case .let(let name, let value):
            emit(["let", name, "=", w(value)])
        case .for(let variable, let items, let statements):
            emit(["for", variable, "in"] + items.map { w($0) })
            body(statements, indent: indent, end: s.range.end)
        case .repeat(let count, let statements):
            emit(["repeat", w(count)])
            body(statements, indent: indent, end: s.range.end)
        case .step(let title):
            emit(["step", w(title)])
        case .say(let text):
            emit(["say", w(text)])
        case .pause:
            emit(["pause"])
        case .expect(let e):
            expectation(e, statement: s, indent: indent)
        case .help(let topic):
            emit(["help", topic.map { w($0) }])
        case .quit:
            emit(["quit"])
        case .clear:
            emit(["clear"])
        }
    }

    mutating func expectation(_ e: Expectation, statement s: Statement, indent: Int) {
        switch e {
        case .podCount(let p):
            emit(["expect pods", option("where", p.selector), option("on", p.node), p.state?.rawValue, w(p.count)])
        case .property(let kind, let name, let property, let value):
            emit(["expect", w(kind), w(name), property.rawValue, value.map { w($0) }])
        case .curl(let c, let outcome, let text):
            emit(["expect curl", w(c.target), option("from", c.from), option("times", c.times), outcome.rawValue,
                  text.map { "with \(w($0))" }])
        case .resolve(let r, let address):
            emit(["expect resolve", w(r.name), option("from", r.from), address.map { "to \(w($0))" } ?? "fails"])
        case .error(let text, let statements):
            emit(["expect error", text.map { w($0) }])
            body(statements, indent: indent, end: s.range.end)
        case .event(let text):
            emit(["expect event", w(text)])
        }
    }
}
