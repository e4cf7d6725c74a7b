import Testing
@testable import K8simLanguage

/// The dump names each node's fields itself; this test reads the nodes by reflection and fails
/// when a node holds a field the dump does not show (a field added to the tree but not to its
/// dump would be invisible to the formatter's round-trip tests, which compare dumps).
@Suite("AST dump")
struct ASTDumpTests {
    /// Stored field names, with a deploy's rarely given options (kept apart on the heap) as its own.
    static func storedLabels(_ value: Any) -> [String] {
        Mirror(reflecting: value).children.flatMap { child -> [String] in
            if let options = child.value as? Rare<Deploy.Options> { return storedLabels(options.value) }
            return child.label.map { [$0] } ?? []
        }
    }

    static func statements() throws -> [Statement] {
        var texts = GrammarTests.corpus
        for path in Repo.scripts() { texts.append(try Repo.read(path)) }
        let grammar = try Grammar(text: try Repo.read("Grammar/k8sim.ebnf"))
        var rng = SplitMix64(state: 5)
        for _ in 0..<2000 { texts.append(Grammar.render(grammar.randomSentence(.rule("statement"), rng: &rng))) }
        return texts.flatMap { Parser.parse($0).script.statements }
    }

    @Test func everyStoredFieldIsShown() throws {
        var seen: Set<String> = []
        var missing: [String] = []
        var w = DumpWriter(ranges: true) { value, written in
            let type = "\(type(of: value))"
            seen.insert(type)
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .enum {
                // A case's associated values: labelled ones by name, unlabelled ones by count.
                guard let payload = mirror.children.first?.value else {
                    if !written.isEmpty { missing.append("\(value): shows \(written) for a case without values") }
                    return
                }
                let inner = Mirror(reflecting: payload)
                if inner.displayStyle == .tuple {
                    let labels = inner.children.map { $0.label ?? "" }
                    if labels.count != written.count || labels.contains(where: { !$0.hasPrefix(".") && !written.contains($0) }) {
                        missing.append("\(type).\(mirror.children.first?.label ?? ""): holds \(labels), shows \(written)")
                    }
                } else if written.count != 1 {
                    missing.append("\(type).\(mirror.children.first?.label ?? ""): one value, shown as \(written)")
                }
                return
            }
            let stored = Set(Self.storedLabels(value))
            if stored != Set(written) {
                missing.append("\(type): holds \(stored.sorted()), shows \(written.sorted())")
            }
        }
        for s in try Self.statements() { w.statement(s, 0) }
        #expect(missing.isEmpty, "\(Set(missing).sorted().prefix(10))")
        let nodes = ["ClusterSetup", "NodeAdd", "Deploy", "SetImage", "Rollout", "Delete", "Expose", "Curl", "Resolve", "Get", "Export",
                     "PodCount", "StatementKind", "Wait", "Expectation"]
        for n in nodes { #expect(seen.contains(n), "no \(n) was dumped: the check did not reach it") }
    }

    /// A field the dump left out is caught: the same check, fed a node with one field unshown.
    @Test func theCheckSeesAFieldLeftOut() {
        let node = Rollout(verb: .undo, name: Arg(word: Word("echo"), value: "echo"), revision: nil)
        var w = DumpWriter(ranges: false)
        var written: [String] = []
        w.shown = { _, labels in written = labels }
        w.node(node) { $0.value("verb", node.verb, 0); $0.arg("name", node.name, 0) }
        #expect(Set(Self.storedLabels(node)) != Set(written))
        #expect(Set(Self.storedLabels(node)) == ["verb", "name", "revision"])
    }
}
