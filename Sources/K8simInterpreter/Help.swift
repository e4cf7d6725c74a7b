/// `help` and `help STATEMENT`: the syntax of each statement, with an example.
enum Help {
    static let entries: [(name: String, syntax: String, example: String)] = [
        ("cluster", "cluster nodes N [cpu Q] [memory Q]", "cluster nodes 3"),
        ("node", "node add NAME [cpu Q] [memory Q] [label k=v ...] | node remove NAME", "node add n4 label zone=b"),
        ("fail", "fail node NAME", "fail node n2"),
        ("recover", "recover node NAME", "recover node n2"),
        ("cordon", "cordon node NAME", "cordon node n1"),
        ("uncordon", "uncordon node NAME", "uncordon node n1"),
        ("drain", "drain node NAME", "drain node n1"),
        ("crash", "crash pod NAME", "crash pod echo-7d4b9c8f6-abcde"),
        ("registry", "registry add|remove IMAGE", "registry remove nginx:bad"),
        ("deploy", "deploy NAME image IMAGE [replicas N] [port P] [label k=v ...] [env K=V ...] [config CM] [cpu Q] [memory Q] [strategy rolling|recreate] [surge X] [unavailable Y] [minready D] [history N] [deadline D]",
         "deploy echo image ghcr.io/subicura/echo:v1 replicas 4"),
        ("scale", "scale NAME [to] N", "scale echo to 6"),
        ("set", "set image NAME IMAGE | set clock auto|manual | set seed N | set trace on|off", "set image echo v2"),
        ("rollout", "rollout status|history|pause|resume|restart NAME | rollout history NAME revision N | rollout undo NAME [to revision N]",
         "rollout undo echo to revision 2"),
        ("delete", "delete deployment|service|pod|configmap|replicaset|node NAME", "delete pod echo-7d4b9c8f6-abcde"),
        ("expose", "expose NAME [as SVC] [port P] [target T] [clusterip | nodeport [N] | loadbalancer]", "expose counter nodeport 31000"),
        ("enable", "enable metallb FIRST-LAST", "enable metallb 10.64.140.43-10.64.140.49"),
        ("curl", "curl TARGET [from POD-or-DEPLOYMENT] [times N]", "curl n1:31000 times 3"),
        ("resolve", "resolve NAME [from POD-or-DEPLOYMENT]", "resolve redis from counter"),
        ("configmap", "configmap NAME key=value ...", "configmap settings mode=fast"),
        ("wait", "wait DURATION | wait until rollout NAME | wait until ready", "wait 30s"),
        ("get", "get KIND [NAME] [where k=v,...] [in NAMESPACE] [wide|yaml|json]", "get pods where app=echo wide"),
        ("describe", "describe KIND NAME", "describe deployment echo"),
        ("map", "map", "map"),
        ("timeline", "timeline NAME", "timeline echo"),
        ("apply", "apply FILE.yaml", "apply echo-deploy.yaml"),
        ("export", "export [KIND NAME] [to FILE.yaml]", "export deployment echo"),
        ("source", "source FILE.k8s", "source setup.k8s"),
        ("save", "save FILE (the whole session: cluster, clock, variables)", "save lesson.k8state"),
        ("load", "load FILE (a session saved with save)", "load lesson.k8state"),
        ("let", "let NAME = VALUE", "let tag = v2"),
        ("for", "for X in A B C { ... }", "for t in v1 v2 { set image echo $t }"),
        ("repeat", "repeat N { ... }", "repeat 3 { curl counter }"),
        ("step", "step \"Title\"", "step \"Scale up\""),
        ("say", "say \"text\"", "say \"Watch the pods move.\""),
        ("pause", "pause", "pause"),
        ("expect", "expect pods [where SEL] [on NODE] [STATE] N | expect KIND NAME PROPERTY [VALUE] | expect curl TARGET ... answers|fails [with TEXT] | expect resolve NAME to ADDR|fails | expect error [TEXT] { ... } | expect event TEXT",
         "expect deployment echo available 4"),
        ("help", "help [STATEMENT]", "help deploy"),
        ("quit", "quit", "quit"),
        ("clear", "clear", "clear"),
        ("kubectl", "kubectl get|describe|apply|delete|scale|set image|rollout|expose|create|cordon|uncordon|drain ...",
         "kubectl rollout undo deploy/echo-deploy --to-revision=2"),
        ("microk8s", "microk8s enable metallb:FIRST-LAST | microk8s kubectl ...", "microk8s enable metallb:10.64.140.43-10.64.140.49"),
    ]

    static func text(topic: String?) -> String {
        if let topic, let e = entries.first(where: { $0.name == topic || (topic == "exit" && $0.name == "quit") }) {
            return "\(e.syntax)\n  example: \(e.example)"
        }
        var out = topic.map { "no help for '\($0)'\n" } ?? ""
        out += "statements (help NAME for the syntax):\n"
        var line = " "
        for e in entries {
            if line.count + e.name.count + 1 > 78 { out += line + "\n"; line = " " }
            line += " " + e.name
        }
        return out + line + "\nkeys: Tab completes, Up/Down recall history, Ctrl-C drops the line, Ctrl-D quits"
    }
}
