/// One statement, declared once: its name, its syntax, an example, what it does in a line,
/// and the option words it takes. The parser dispatches on the same names (`Parser.Verb`);
/// `help`, completion (the options) and the test that docs/LANGUAGE.md lists every statement
/// read this.
public struct StatementSpec: Sendable {
    public let name: String
    public let syntax: String
    public let example: String
    public let summary: String
    /// Keywords that may follow its fixed words, in any order (for completion).
    public let options: [String]

    init(_ name: String, _ syntax: String, _ example: String, _ summary: String, options: [String] = []) {
        self.name = name
        self.syntax = syntax
        self.example = example
        self.summary = summary
        self.options = options
    }
}

extension Parser.Verb {
    /// The statement this name starts. A switch, so a new statement name without its entry
    /// does not compile.
    public var spec: StatementSpec {
        switch self {
        case .cluster:
            StatementSpec("cluster", "cluster nodes N [cpu Q] [memory Q]", "cluster nodes 3",
                          "start over with a fresh cluster of N nodes", options: ClusterOption.words)
        case .node:
            StatementSpec("node", "node add NAME [cpu Q] [memory Q] [label k=v ...] | node remove NAME", "node add n4 label zone=b",
                          "add a node to the cluster, or remove one with its pods", options: NodeAddOption.words)
        case .fail: StatementSpec("fail", "fail node NAME", "fail node n2", "the node stops answering (its kubelet stops posting status)")
        case .recover: StatementSpec("recover", "recover node NAME", "recover node n2", "a failed node comes back")
        case .cordon: StatementSpec("cordon", "cordon node NAME", "cordon node n1", "no new pods are scheduled to the node")
        case .uncordon: StatementSpec("uncordon", "uncordon node NAME", "uncordon node n1", "the node takes new pods again")
        case .drain: StatementSpec("drain", "drain node NAME", "drain node n1", "cordon the node and evict its pods")
        case .crash: StatementSpec("crash", "crash pod NAME", "crash pod echo-7d4b9c8f6-abcde", "the pod's container exits; the kubelet restarts it")
        case .registry:
            StatementSpec("registry", "registry add|remove IMAGE", "registry remove nginx:bad", "make pulls of an image fail, or succeed again")
        case .deploy:
            StatementSpec("deploy", "deploy NAME image IMAGE [replicas N] [port P] [label k=v ...] [env K=V ...] [config CM] [cpu Q] [memory Q] [strategy rolling|recreate] [surge X] [unavailable Y] [minready D] [history N] [deadline D]",
                          "deploy echo image ghcr.io/subicura/echo:v1 replicas 4", "create or update a Deployment", options: DeployOption.words)
        case .scale: StatementSpec("scale", "scale NAME [to] N", "scale echo to 6", "change a deployment's replica count")
        case .set:
            StatementSpec("set", "set image NAME IMAGE | set clock auto|manual | set seed N | set trace on|off", "set image echo v2",
                          "a deployment's image, or how the session runs")
        case .rollout:
            StatementSpec("rollout", "rollout status|history|pause|resume|restart NAME | rollout history NAME revision N | rollout undo NAME [to revision N]",
                          "rollout undo echo to revision 2", "follow, pause, resume, restart or undo a deployment's rollout")
        case .delete:
            StatementSpec("delete", "delete deployment|service|pod|configmap|replicaset|node NAME", "delete pod echo-7d4b9c8f6-abcde", "delete an object")
        case .expose:
            StatementSpec("expose", "expose NAME [as SVC] [port P] [target T] [clusterip | nodeport [N] | loadbalancer]", "expose counter nodeport 31000",
                          "make a Service for a deployment's pods", options: ExposeOption.words)
        case .enable:
            StatementSpec("enable", "enable metallb FIRST-LAST", "enable metallb 10.64.140.43-10.64.140.49", "turn on MetalLB with an address pool")
        case .curl:
            StatementSpec("curl", "curl TARGET [from POD-or-DEPLOYMENT] [times N]", "curl n1:31000 times 3", "send HTTP requests and show who answered",
                          options: CurlOption.words)
        case .resolve: StatementSpec("resolve", "resolve NAME [from POD-or-DEPLOYMENT]", "resolve redis from counter", "look a name up as a pod would")
        case .configmap: StatementSpec("configmap", "configmap NAME key=value ...", "configmap settings mode=fast", "create or replace a ConfigMap")
        case .wait: StatementSpec("wait", "wait DURATION | wait until rollout NAME | wait until ready", "wait 30s", "move virtual time forward")
        case .get:
            StatementSpec("get", "get KIND [NAME] [where k=v,...] [in NAMESPACE] [wide|yaml|json]", "get pods where app=echo wide",
                          "list objects as kubectl get does", options: GetOption.words)
        case .describe: StatementSpec("describe", "describe KIND NAME", "describe deployment echo", "show one object as kubectl describe does")
        case .map: StatementSpec("map", "map", "map", "draw the nodes and their pods")
        case .timeline: StatementSpec("timeline", "timeline NAME", "timeline echo", "a deployment's pods over virtual time")
        case .apply: StatementSpec("apply", "apply FILE.yaml", "apply echo-deploy.yaml", "apply Kubernetes manifests")
        case .export: StatementSpec("export", "export [KIND NAME] [to FILE.yaml]", "export deployment echo", "write the objects you made as manifests")
        case .source: StatementSpec("source", "source FILE.k8s", "source setup.k8s", "run another script")
        case .save: StatementSpec("save", "save FILE (the whole session: cluster, clock, variables)", "save lesson.k8state", "keep the whole session in a file")
        case .load: StatementSpec("load", "load FILE (a session saved with save)", "load lesson.k8state", "go back to a saved session")
        case .let: StatementSpec("let", "let NAME = VALUE", "let tag = v2", "set a variable, used as $NAME")
        case .for: StatementSpec("for", "for X in A B C { ... }", "for t in v1 v2 { set image echo $t }", "run a block once for each word")
        case .repeat: StatementSpec("repeat", "repeat N { ... }", "repeat 3 { curl counter }", "run a block N times")
        case .step: StatementSpec("step", "step \"Title\"", "step \"Scale up\"", "a tutorial's heading")
        case .say: StatementSpec("say", "say \"text\"", "say \"Watch the pods move.\"", "print narration")
        case .pause: StatementSpec("pause", "pause", "pause", "wait for Enter, when someone is watching")
        case .expect:
            StatementSpec("expect", "expect pods [where SEL] [on NODE] [STATE] N | expect KIND NAME PROPERTY [VALUE] | expect curl TARGET ... answers|fails [with TEXT] | expect resolve NAME to ADDR|fails | expect error [TEXT] { ... } | expect event TEXT",
                          "expect deployment echo available 4", "check the cluster; a failed check stops the script")
        case .help: StatementSpec("help", "help [STATEMENT]", "help deploy", "the statements, or one statement's syntax")
        case .quit: StatementSpec("quit", "quit", "quit", "end the session")
        case .exit: StatementSpec("exit", "exit", "exit", "end the session (as quit)")
        case .clear: StatementSpec("clear", "clear", "clear", "clear the screen")
        case .kubectl:
            StatementSpec("kubectl", "kubectl " + KubectlVerb.allCases.map { $0 == .set ? "set image" : $0.rawValue }.joined(separator: "|") + " ...",
                          "kubectl rollout undo deploy/echo-deploy --to-revision=2", "a kubectl command line, run as its k8sim equivalent")
        case .microk8s:
            StatementSpec("microk8s", "microk8s enable metallb:FIRST-LAST | microk8s kubectl ...", "microk8s enable metallb:10.64.140.43-10.64.140.49",
                          "a microk8s command line")
        }
    }
}

public enum StatementTable {
    /// Every statement, in the order help lists them; `exit` is listed as `quit`.
    public static let all: [StatementSpec] = Parser.Verb.allCases.filter { $0 != .exit }.map(\.spec)

    public static func spec(named name: String) -> StatementSpec? {
        Parser.Verb(rawValue: name)?.spec
    }
}
