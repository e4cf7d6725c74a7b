import Testing
@testable import K8simLanguage

/// Grammar/k8sim.ebnf and the parser must agree both ways.
@Suite("Grammar")
struct GrammarTests {
    let grammar: Grammar

    init() throws {
        grammar = try Grammar(text: try Repo.read("Grammar/k8sim.ebnf"))
    }

    @Test func everyStatementNameIsInTheGrammarAndBack() {
        let fromGrammar = grammar.statementRules.reduce(into: Set<String>()) {
            $0.formUnion(grammar.firstTerminals(.rule($1)))
        }
        #expect(fromGrammar == Set(Parser.statementNames))
    }

    /// Every form the grammar names parses: sentences generated so that each alternative,
    /// option and repetition is used at least once.
    @Test func everyGrammarFormParses() throws {
        var total = 0
        for rule in grammar.statementRules {
            let sentences = grammar.sentences(.rule(rule))
            #expect(!sentences.isEmpty, "no sentence for \(rule)")
            for words in sentences {
                let text = words.joined(separator: " ")
                let r = Parser.parse(text)
                #expect(r.diagnostics.isEmpty && !r.isIncomplete, "\(rule): '\(text)' does not parse: \(r.diagnostics.map(\.message))")
                #expect(r.script.statements.count == 1, "\(rule): '\(text)' is not one statement")
                total += 1
            }
        }
        #expect(total > 200)
    }

    /// Every statement the parser accepts, from the table tests' inputs and every script in
    /// the repository, is a sentence of the grammar.
    @Test func everyParsedStatementIsInTheGrammar() throws {
        var sources: [SourceFile] = []
        for path in Repo.scripts() {
            sources.append(SourceFile(name: path, text: try Repo.read(path)))
        }
        for (i, line) in GrammarTests.corpus.enumerated() {
            sources.append(SourceFile(name: "corpus-\(i)", text: line))
        }
        var checked = 0
        for source in sources {
            let r = Parser.parse(source)
            for statement in r.script.statements {
                let tokens = Grammar.movingFlagsLast(grammar.tokens(of: statement, in: source))
                #expect(grammar.recognizes(tokens), "\(source.name): '\(source.text(in: statement.range))' parses but the grammar does not name it")
                checked += 1
            }
        }
        #expect(checked >= GrammarTests.corpus.count)
    }

    @Test func grammarRejectsWhatTheParserRejects() {
        for text in ["deploy echo replicas 4", "scale echo", "get", "expect deployment echo status 4", "kubectl logs x"] {
            let source = SourceFile(name: "t", text: text)
            let tokens = grammar.tokens(of: Statement(.map, range: SourceRange(0, source.bytes.count)), in: source)
            #expect(!grammar.recognizes(tokens), "'\(text)'")
            #expect(Parser.parse(text).hasErrors, "'\(text)'")
        }
    }

    static let corpus: [String] = [
        "deploy echo image v1 replicas 4", "expose counter nodeport 31000", "fail node n2",
        "deploy redis image redis port 6379 label app=redis tier=db env A=1 strategy recreate history 3",
        "deploy counter image ghcr.io/subicura/counter:latest port 3000 env REDIS_HOST=redis REDIS_PORT=6379",
        "cluster nodes 3 memory 8Gi cpu 4", "node add n4 label zone=b", "registry remove nginx:bad",
        "scale echo to $n", "set image echo ${tag}", "set clock auto", "set trace off", "rollout history echo revision 1",
        "rollout undo echo to revision 2", "delete cm settings", "expose counter as counter-lb loadbalancer port 30000 target 3000",
        "curl 10.64.140.43:30000 times 3", "resolve redis.default.svc.cluster.local from counter", "configmap empty",
        "wait 500ms", "get all", "get endpoints counter json", "describe svc counter-np", "export to all.yaml",
        "let greeting = \"hello world\"", "for n in 1 2 3 {\n  scale echo $n\n  wait 10s\n}", "repeat 2 { map; map }",
        "expect pods 4", "expect pods where app=echo on n1 ready 2", "expect node n2 status NotReady",
        "expect configmap settings data mode=fast", "expect curl counter from echo times 2 answers",
        "expect error { scale echo 3 }", "expect events \"Scaled\"",
        "kubectl get pods -o wide", "kubectl get -o wide pods", "kubectl get deploy", "kubectl get rs",
        "kubectl set image deploy/echo-deploy echo=ghcr.io/subicura/echo:v2", "kubectl rollout status deploy/echo-deploy",
        "kubectl describe deploy echo-deploy", "kubectl rollout history deploy/echo-deploy --revision=1",
        "kubectl rollout undo deploy/echo-deploy", "kubectl rollout undo deploy/echo-deploy --to-revision=2",
        "kubectl apply -f redis.yaml", "kubectl get svc", "kubectl get endpoints", "kubectl describe svc counter-lb",
        "kubectl get events --sort-by=.lastTimestamp", "kubectl scale deployment echo --replicas 6",
        "kubectl expose deploy counter --port=3000 --type=LoadBalancer", "kubectl create configmap c --from-literal=a=b",
        "kubectl drain n1 --ignore-daemonsets", "kubectl cordon n1", "kubectl get pods -l app=echo -n default",
        "microk8s enable metallb:10.64.140.43-10.64.140.49", "microk8s kubectl get nodes",
        "save lesson.k8state", "load lesson.k8state",
    ]
}
