import Testing
@testable import K8simLanguage

/// The statement table is the one declaration of the statements: the parser dispatches on its
/// names, each example parses as that statement, and docs/LANGUAGE.md describes each one.
@Suite("Statement table")
struct StatementTableTests {
    @Test func everyStatementHasOneEntryAndItsExampleParses() {
        #expect(Set(StatementTable.all.map(\.name)).count == StatementTable.all.count)
        for verb in Parser.Verb.allCases {
            let spec = verb.spec
            #expect(spec.name == verb.rawValue)
            #expect(spec.syntax.hasPrefix(spec.name), "\(spec.name): the syntax starts with another word")
            #expect(!spec.summary.isEmpty && spec.summary.count <= 70, "\(spec.name): the summary is one short line")
            let r = Parser.parse(spec.example)
            #expect(!r.hasErrors && r.script.statements.count == 1, "\(spec.name): its example '\(spec.example)' does not parse")
            #expect(spec.example.split(separator: " ").first.map(String.init) == spec.name)
        }
    }

    /// docs/LANGUAGE.md has a bold entry (`**name**`, `**a / b**`, `**set image**`) for every statement.
    @Test func theLanguageDocsDescribeEveryStatement() throws {
        let docs = try Repo.read("docs/LANGUAGE.md")
        var described = Set<String>()
        for line in docs.split(separator: "\n") where line.hasPrefix("**") {
            let term = line.dropFirst(2).prefix { $0 != "*" }
            for part in term.split(separator: "/") {
                if let first = part.split(separator: " ").first { described.insert(String(first)) }
            }
        }
        // Statements the docs describe together under a heading of their own.
        let elsewhere: [String: String] = ["quit": "## Mostly for the REPL", "exit": "## Mostly for the REPL",
                                           "help": "## Mostly for the REPL", "clear": "## Mostly for the REPL",
                                           "kubectl": "## kubectl and microk8s lines", "microk8s": "## kubectl and microk8s lines"]
        for verb in Parser.Verb.allCases {
            if let heading = elsewhere[verb.rawValue] {
                #expect(docs.contains(heading) && docs.contains("`\(verb.rawValue)"), "docs/LANGUAGE.md does not describe \(verb.rawValue)")
            } else {
                #expect(described.contains(verb.rawValue), "docs/LANGUAGE.md has no **\(verb.rawValue)** entry")
            }
        }
    }

    /// Option keywords are enums: each option word is one of its set's cases, and completion
    /// and the parser share the list.
    @Test func optionWordsAreTheirSetsCases() {
        #expect(DeployOption.words == DeployOption.allCases.map(\.rawValue))
        #expect(Parser.Verb.deploy.spec.options == DeployOption.words)
        #expect(Parser.Verb.expose.spec.options == ExposeOption.words)
        #expect(Parser.Verb.get.spec.options == GetOption.words)
        for word in DeployOption.words { #expect(DeployOption(rawValue: word)?.rawValue == word) }
    }
}
