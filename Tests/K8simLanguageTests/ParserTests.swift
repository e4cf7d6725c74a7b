import Testing
@testable import K8simLanguage

@Suite("Parser")
struct ParserTests {
    @Test func missionExampleParsesToThreeStatements() throws {
        let r = Parser.parse("deploy echo image v1 replicas 4; expose counter nodeport 31000; fail node n2")
        #expect(r.diagnostics.isEmpty)
        #expect(r.script.statements.count == 3)
        let s = r.script.statements

        guard case .deploy(let d) = s[0].kind else { Issue.record("not deploy: \(s[0].kind)"); return }
        #expect(d.name.value == "echo")
        #expect(d.name.range == SourceRange(7, 11))
        #expect(d.image.value == ImageRef(text: "v1", form: .tag))
        #expect(d.image.value?.resolved(forDeployment: "echo") == "echo:v1")
        #expect(d.replicas?.value == 4)
        #expect(d.replicas?.range == SourceRange(30, 31))
        #expect(d.port == nil && d.labels.isEmpty && d.env.isEmpty && d.strategy == nil && d.surge == nil)
        #expect(s[0].range == SourceRange(0, 31))
        #expect(!s[0].kubectl)

        guard case .expose(let e) = s[1].kind else { Issue.record("not expose: \(s[1].kind)"); return }
        #expect(e.name.value == "counter")
        #expect(e.serviceName == nil && e.port == nil && e.target == nil)
        guard case .nodePort(let port)? = e.type else { Issue.record("not nodeport: \(String(describing: e.type))"); return }
        #expect(port?.value == 31000)
        #expect(s[1].range == SourceRange(33, 62))

        guard case .nodeAction(let action, let name) = s[2].kind else { Issue.record("not fail: \(s[2].kind)"); return }
        #expect(action == .fail)
        #expect(name.value == "n2")
        #expect(s[2].range == SourceRange(64, 76))
    }

    @Test func misspelledOptionPointsAtTheWordWithASuggestion() throws {
        let r = Parser.parse("deploy echo image v1 replcas 4", name: "demo.k8s")
        #expect(r.diagnostics.count == 1)
        let d = try #require(r.diagnostics.first)
        #expect(d.problem == .unknownOption("replcas", of: "deploy"))
        #expect(d.range == SourceRange(21, 28))
        #expect(d.hint == "did you mean 'replicas'?")
        let text = DiagnosticRenderer(source: r.source).render(d)
        #expect(text == """
            demo.k8s:1:22: error: 'replcas' is not an option of deploy
             1 | deploy echo image v1 replcas 4
               |                      ^~~~~~~
              = hint: did you mean 'replicas'?

            """)
    }

    @Test func everyErrorInAScriptIsReported() {
        let script = """
            deploy echo image v1 replcas 4
            get pods
            scale echo to many
            get pods
            wait 30x
            """
        #expect(brief(script) == [
            "1:22: 'replcas' is not an option of deploy",
            "3:15: expected a count such as 4, found 'many'",
            "5:6: expected a duration such as 30s or 2m, found '30x'",
        ])
        #expect(Parser.parse(script).script.statements.count == 2)  // the two good `get pods`
    }

    @Test func recoveryWorksInsideBlocks() {
        let script = "repeat 2 {\n  scale echo x\n  map\n}\nget pds"
        #expect(brief(script) == [
            "2:14: expected a count such as 4, found 'x'",
            "5:5: expected a kind such as pods, deployments or services, found 'pds'",
        ])
    }

    @Test(arguments: [
        ("for x in a {", Incompleteness.unclosedBrace),
        ("repeat 3 {\n  map\n", Incompleteness.unclosedBrace),
        ("expect error {\n", Incompleteness.unclosedBrace),
        ("say \"open", Incompleteness.unclosedString),
        ("deploy echo \\", Incompleteness.trailingBackslash),
    ])
    func incompleteInputIsNotAnError(text: String, why: Incompleteness) {
        #expect(Parser.parse(text).incompleteness == why)
    }

    @Test func completeInputIsNotIncomplete() {
        #expect(Parser.parse("for x in a { map }").incompleteness == nil)
        #expect(Parser.parse("say \"closed\"").incompleteness == nil)
    }

    // Every statement form, written natively, with the case it must parse to.
    @Test(arguments: [
        ("cluster nodes 3", "cluster"),
        ("cluster nodes 5 cpu 4 memory 8Gi", "cluster"),
        ("node add n4 cpu 2 memory 4Gi label zone=b disk=ssd", "nodeAdd"),
        ("node remove n4", "nodeRemove"),
        ("fail node n2", "nodeAction"),
        ("recover node n2", "nodeAction"),
        ("cordon node n1", "nodeAction"),
        ("uncordon node n1", "nodeAction"),
        ("drain node n1", "nodeAction"),
        ("crash pod echo-abc12", "crashPod"),
        ("registry remove nginx:bad", "registry"),
        ("registry add nginx:bad", "registry"),
        ("deploy echo image ghcr.io/subicura/echo:v1 replicas 4 port 3000 label app=echo env A=1 B=2 config settings cpu 100m memory 64Mi strategy rolling surge 3 unavailable 25% minready 5s history 5 deadline 10m", "deploy"),
        ("deploy redis image redis strategy recreate", "deploy"),
        ("scale echo 6", "scale"),
        ("scale echo to 6", "scale"),
        ("set image echo v2", "setImage"),
        ("set clock manual", "setClock"),
        ("set seed 42", "setSeed"),
        ("set trace on", "setTrace"),
        ("rollout status echo", "rollout"),
        ("rollout history echo", "rollout"),
        ("rollout history echo revision 2", "rollout"),
        ("rollout pause echo", "rollout"),
        ("rollout resume echo", "rollout"),
        ("rollout restart echo", "rollout"),
        ("rollout undo echo", "rollout"),
        ("rollout undo echo to revision 2", "rollout"),
        ("delete deployment echo", "delete"),
        ("delete svc counter", "delete"),
        ("expose counter", "expose"),
        ("expose counter as counter-np port 3000 target 3000 nodeport 31000", "expose"),
        ("expose counter loadbalancer port 30000 target http", "expose"),
        ("expose redis clusterip", "expose"),
        ("enable metallb 10.64.140.43-10.64.140.49", "enableMetalLB"),
        ("curl n1:31000", "curl"),
        ("curl counter from echo times 5", "curl"),
        ("resolve redis from counter", "resolve"),
        ("configmap settings mode=fast color=blue", "configMap"),
        ("wait 1h30m", "wait"),
        ("wait until rollout echo", "wait"),
        ("wait until ready", "wait"),
        ("get pods", "get"),
        ("get deploy echo yaml", "get"),
        ("get pods where app=echo,tier=web in default wide", "get"),
        ("describe deployment echo", "describe"),
        ("map", "map"),
        ("timeline echo", "timeline"),
        ("apply echo-deploy.yaml", "apply"),
        ("export", "export"),
        ("export deployment echo to \"out dir/echo.yaml\"", "export"),
        ("source setup.k8s", "source"),
        ("save lesson.k8state", "save"),
        ("load \"my lesson.k8state\"", "load"),
        ("let tag = v2", "let"),
        ("for t in v1 v2 { set image echo $t }", "for"),
        ("repeat 3 { curl counter }", "repeat"),
        ("step \"Scale up\"", "step"),
        ("say \"Hello, 세계\"", "say"),
        ("pause", "pause"),
        ("expect pods where app=echo running 4", "expect"),
        ("expect pods on n1 2", "expect"),
        ("expect deployment echo available 4", "expect"),
        ("expect service counter-lb external-ip 10.64.140.43", "expect"),
        ("expect pod echo-abc12 missing", "expect"),
        ("expect curl n2:31000 fails", "expect"),
        ("expect curl counter from echo answers with \"1\"", "expect"),
        ("expect resolve redis to 10.152.183.20", "expect"),
        ("expect resolve nothing fails", "expect"),
        ("expect error { expose counter nodeport 31000 }", "expect"),
        ("expect error \"already allocated\" { expose counter nodeport 31000 }", "expect"),
        ("expect event \"Scaled up\"", "expect"),
        ("help", "help"),
        ("help deploy", "help"),
        ("quit", "quit"),
        ("exit", "quit"),
        ("clear", "clear"),
        ("kubectl get pods -o wide", "get"),
        ("kubectl rollout undo deploy/echo-deploy --to-revision=2", "rollout"),
        ("microk8s enable metallb:10.64.140.43-10.64.140.49", "enableMetalLB"),
    ])
    func goodStatement(text: String, caseName: String) throws {
        let r = Parser.parse(text)
        #expect(r.diagnostics.isEmpty, "\(text): \(r.diagnostics.map(\.message))")
        let s = try #require(r.script.statements.first)
        #expect(r.script.statements.count == 1)
        #expect(ASTDump.dump(s).hasPrefix(caseName), "\(text) parsed as \(ASTDump.dump(s))")
    }

    // A bad input for every statement form, with the first message it must give.
    @Test(arguments: [
        ("cluster nodes three", "1:15: expected a count such as 4, found 'three'"),
        ("cluster 3", "1:9: expected 'nodes' after 'cluster', found '3'"),
        ("node add N4", "1:10: expected a name such as echo-deploy (lowercase letters, digits, '-' and '.'), found 'N4'"),
        ("node delete n4", "1:6: expected 'add' or 'remove' after 'node', found 'delete'"),
        ("fail n2", "1:6: expected 'node' after 'fail', found 'n2'"),
        ("crash echo", "1:7: expected 'pod' after 'crash', found 'echo'"),
        ("registry remove", "1:16: expected an image such as v1, redis or ghcr.io/subicura/echo:v1, found the end of the input"),
        ("deploy echo replicas 4", "1:13: expected 'image' after the deployment name, found 'replicas'"),
        ("deploy echo image v1 replicas 4 replicas 5", "1:33: 'replicas' is given twice"),
        ("deploy echo image v1 strategy recreate surge 1", "1:46: 'strategy recreate' and 'surge' cannot be used together"),
        ("deploy echo image v1 surge 30x", "1:28: expected a count or percentage such as 3 or 25%, found '30x'"),
        ("deploy echo image v1 port 70000", "1:27: port '70000' is out of range: ports go from 1 to 65535"),
        ("deploy echo image v1 label app", "1:28: expected a label such as app=echo after 'label', found 'app'"),
        ("deploy echo image Echo:V1", "1:19: expected an image such as v1, redis or ghcr.io/subicura/echo:v1, found 'Echo:V1'"),
        ("scale echo", "1:11: expected a count such as 4, found the end of the input"),
        ("set replicas echo 3", "1:5: expected what to set, found 'replicas'"),
        ("rollout undo echo to 2", "1:22: expected 'revision' after 'to', found '2'"),
        ("rollout rewind echo", "1:9: expected a rollout action, found 'rewind'"),
        ("delete deploymnt echo", "1:8: expected a kind such as pods, deployments or services, found 'deploymnt'"),
        ("expose counter nodeport 31000 loadbalancer", "1:31: 'nodeport' and 'loadbalancer' cannot be used together"),
        ("expose counter nodeprot 31000", "1:16: 'nodeprot' is not an option of expose"),
        ("enable metallb 192.xxx.xxx.xxx", "1:16: expected an address range such as 10.64.140.43-10.64.140.49, found '192.xxx.xxx.xxx'"),
        ("enable ingress", "1:8: expected 'metallb' after 'enable', found 'ingress'"),
        ("curl n1:99999", "1:6: expected a target such as n1:31000, 10.64.140.43:30000 or redis:6379, found 'n1:99999'"),
        ("resolve", "1:8: expected a name to resolve, found the end of the input"),
        ("configmap settings mode", "1:20: expected a key=value pair such as mode=fast, found 'mode'"),
        ("wait 30x", "1:6: expected a duration such as 30s or 2m, found '30x'"),
        ("wait until done", "1:12: expected 'rollout NAME' or 'ready' after 'until', found 'done'"),
        ("get pods where app", "1:16: expected a selector such as app=echo,tier=web, found 'app'"),
        ("get pods wide yaml", "1:15: 'wide' and 'yaml' cannot be used together"),
        ("describe echo", "1:10: expected a kind such as pods, deployments or services, found 'echo'"),
        ("map now", "1:5: unexpected 'now' after the end of the statement"),
        ("timeline", "1:9: expected a deployment name, found the end of the input"),
        ("apply", "1:6: expected a file name, found the end of the input"),
        ("export deployment", "1:18: expected a name, found the end of the input"),
        ("source", "1:7: expected a file name, found the end of the input"),
        ("save", "1:5: expected a file name, found the end of the input"),
        ("load a b", "1:8: unexpected 'b' after the end of the statement"),
        ("let x=1", "1:5: expected a variable name after 'let', found 'x=1'"),
        ("for x a b { map }", "1:7: expected 'in' after the loop variable, found 'a'"),
        ("repeat 3 map", "1:10: expected '{' to open the body of 'repeat', found 'map'"),
        ("step Scale up", "1:12: unexpected 'up' after the end of the statement"),
        ("say", "1:4: expected text after 'say', found the end of the input"),
        ("pause 5s", "1:7: unexpected '5s' after the end of the statement"),
        ("expect pods where app=echo running four", "1:36: expected a count of pods, found 'four'"),
        ("expect deployment echo availble 4", "1:24: expected a property of the deployment, found 'availble'"),
        ("expect curl n2:31000 times", "1:27: expected a count such as 4, found the end of the input"),
        ("expect resolve redis", "1:21: expected 'to ADDRESS' or 'fails', found the end of the input"),
        ("help me now", "1:9: unexpected 'now' after the end of the statement"),
        ("quit now", "1:6: unexpected 'now' after the end of the statement"),
        ("gett pods", "1:1: unknown statement 'gett'"),
        ("kubectl logs echo", "1:9: k8sim does not support 'kubectl logs'"),
        ("kubectl get pods --watch", "1:18: k8sim does not support the flag '--watch' of 'kubectl get'"),
        ("kubectl scale deploy/echo", "1:9: 'kubectl scale' needs --replicas=N"),
        ("kubectl rollout undo svc/echo", "1:22: 'kubectl rollout undo' needs a deployment, such as deploy/echo"),
        ("microk8s enable dns", "1:17: expected 'metallb:FIRST-LAST', found 'dns'"),
        ("}", "1:1: '}' without a matching '{'"),
    ])
    func badStatement(text: String, expected: String) {
        let got = brief(text)
        #expect(got.first == expected, "\(text)")
    }

    @Test(arguments: [
        ("deploy echo image v1 replcas 4", "did you mean 'replicas'?"),
        ("gett pods", "did you mean 'get'?"),
        ("delete deploymnt echo", "did you mean 'deployment'?"),
        ("expose counter nodeprot 31000", "did you mean 'nodeport'?"),
        ("expect deployment echo availble 4", "did you mean 'available'?"),
        ("rollout histroy echo", "did you mean 'history'?"),
        ("set clok manual", "did you mean 'clock'?"),
        ("kubectl scael deploy/echo --replicas=2", "did you mean 'scale'?"),
    ])
    func suggestions(text: String, hint: String) {
        #expect(Parser.parse(text).diagnostics.first?.hint == hint)
    }

    @Test func keywordsAreContextual() throws {
        let r = Parser.parse("deploy image image deploy replicas 2")
        #expect(r.diagnostics.isEmpty)
        guard case .deploy(let d)? = r.script.statements.first?.kind else { Issue.record("not deploy"); return }
        #expect(d.name.value == "image")
        #expect(d.image.value == ImageRef(text: "deploy", form: .repository))
        // A quoted word is never a keyword: here "wide" is the object's name.
        let g = Parser.parse("get pods \"wide\"")
        guard case .get(let get)? = g.script.statements.first?.kind else { Issue.record("not get"); return }
        #expect(get.name?.value == "wide" && get.output == nil)
    }

    @Test func variablesDeferTypeChecks() throws {
        let r = Parser.parse("let n = 4\nscale echo $n\ndeploy echo image ${tag}")
        #expect(r.diagnostics.isEmpty)
        guard case .scale(_, let replicas) = r.script.statements[1].kind else { Issue.record("not scale"); return }
        #expect(replicas.value == nil)
        #expect(replicas.word.parts == [.variable("n")])
        #expect(replicas.word.expand { $0 == "n" ? "4" : nil } == .success("4"))
        #expect((try? Words.count("4")) == 4)
    }

    @Test func kubectlLinesBecomeTheirEquivalents() throws {
        let cases: [(String, String)] = [
            ("kubectl get pods -o wide", "get\n  kind: pod\n  output: wide\n"),
            ("kubectl get deploy,rs", ""),
            ("kubectl rollout history deploy/echo-deploy --revision=1", "rollout\n  verb: history\n  name: echo-deploy\n  revision: 1\n"),
            ("kubectl rollout undo deploy/echo-deploy", "rollout\n  verb: undo\n  name: echo-deploy\n"),
            ("kubectl scale deploy/echo --replicas=6", "scale\n  name: echo\n  replicas: 6\n"),
            ("kubectl set image deploy/echo echo=echo:v2", "setImage\n  name: echo\n  container: echo\n  image: echo:v2 (full)\n"),
            ("kubectl apply -f echo-deploy.yaml", "apply\n  file: \"echo-deploy.yaml\"\n"),
            ("kubectl describe deploy echo-deploy", "describe\n  kind: deployment\n  name: echo-deploy\n"),
            ("kubectl delete pod/echo-abc12", "delete\n  kind: pod\n  name: echo-abc12\n"),
            ("kubectl expose deployment counter --type=NodePort --port 3000 --name counter-np",
             "expose\n  name: counter\n  serviceName: counter-np\n  port: 3000\n  type: nodePort\n"),
            ("kubectl create deployment web --image=nginx --replicas=2", "deploy\n  name: web\n  image: nginx (full)\n  replicas: 2\n"),
            ("kubectl get events --sort-by=.lastTimestamp", "get\n  kind: event\n"),
        ]
        for (text, dump) in cases {
            let r = Parser.parse(text)
            if dump.isEmpty {
                #expect(!r.diagnostics.isEmpty, "\(text) should fail")
                continue
            }
            #expect(r.diagnostics.isEmpty, "\(text): \(r.diagnostics.map(\.message))")
            let s = try #require(r.script.statements.first)
            #expect(s.kubectl)
            #expect(ASTDump.dump(s).replacingOccurrences(of: " (kubectl)", with: "") == dump, "\(text)")
        }
    }
}
