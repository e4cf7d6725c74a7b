// kubectl (and microk8s) command lines, read into the same statements the native forms give.
// A flag k8sim cannot honour is an error that names it, never silently ignored.

/// The kubectl verbs k8sim runs, declared once: dispatch switches over them, and help, the
/// "supported:" hint and completion list them.
public enum KubectlVerb: String, KeywordSet {
    case get, describe, apply, delete, scale, set, rollout, expose, create, cordon, uncordon, drain

    /// The verb with the words that must follow it (`set image`, `create deployment`).
    public var forms: [String] {
        switch self {
        case .set: ["set image"]
        case .create: ["create deployment", "create configmap"]
        case .get, .describe, .apply, .delete, .scale, .rollout, .expose, .cordon, .uncordon, .drain: [rawValue]
        }
    }
}

public enum KubectlVerbs {
    public static let supported = KubectlVerb.allCases.flatMap(\.forms)
}

/// The flags each kubectl verb takes, as constants so no collection is built per line.
enum KubectlFlags {
    static let get = ["-o", "--output", "-l", "--selector", "-n", "--namespace", "--sort-by"]
    static let getBoolean = ["-A", "--all-namespaces"]
    static let apply = ["-f", "--filename"]
    static let scale = ["--replicas"]
    static let expose = ["--port", "--target-port", "--type", "--name"]
    static let createDeployment = ["--image", "--replicas", "--port"]
    static let createConfigMap = ["--from-literal"]
    static let drain = ["--ignore-daemonsets", "--delete-emptydir-data", "--force"]
}

/// One word of a kubectl command line: a positional argument or a flag with its value.
struct KubectlWord {
    var text: String
    var range: SourceRange
    var word: Word
}

struct KubectlFlag {
    var name: String
    var value: KubectlWord?
    var range: SourceRange
}

extension Parser {
    mutating func microk8sCommand() throws(ParseFailure) -> StatementKind {
        let t = current
        if matches(t, "kubectl") {
            advance()
            return try kubectlCommand()
        }
        if matches(t, "enable") {
            advance()
            let addon = current
            let text = addon.kind == .word ? raw(addon) : ""
            guard text.hasPrefix("metallb:") else {
                throw ParseFailure(.expected("'metallb:FIRST-LAST'", found: describe(addon)), at: errorRange(addon),
                                   hint: "k8sim has the metallb addon: microk8s enable metallb:10.64.140.43-10.64.140.49")
            }
            advance()
            let rangeText = String(text.dropFirst("metallb:".count))
            let r = SourceRange(addon.start + "metallb:".utf8.count, addon.end)
            return .enableMetalLB(range: try checked(rangeText, Word(rangeText, range: r), Words.ipRange))
        }
        throw ParseFailure(.expected("'enable' or 'kubectl' after 'microk8s'", found: describe(t)), at: errorRange(t))
    }

    /// Splits the rest of the statement into positional words and flags.
    mutating func kubectlWords(verb: String, flagsWithValues: [String], booleanFlags: [String] = [])
        throws(ParseFailure) -> (positional: [KubectlWord], flags: [KubectlFlag]) {
        var positional: [KubectlWord] = []
        var flags: [KubectlFlag] = []
        while current.kind == .word {
            let t = current
            let text = raw(t)
            advance()
            guard text.hasPrefix("-"), text.count > 1, t.flags.isEmpty || !text.hasPrefix("\"") else {
                positional.append(KubectlWord(text: decode(t).literal ?? text, range: t.range, word: decode(t)))
                continue
            }
            var name = text
            var value: KubectlWord?
            if let eq = text.firstIndex(of: "=") {
                name = String(text[..<eq])
                let v = String(text[text.index(after: eq)...])
                let start = t.start + name.utf8.count + 1
                value = KubectlWord(text: v, range: SourceRange(start, t.end), word: Word(v, range: SourceRange(start, t.end)))
            } else if !text.hasPrefix("--"), text.count > 2, flagsWithValues.contains(String(text.prefix(2))) {
                // `-owide`: a short flag glued to its value.
                name = String(text.prefix(2))
                let v = String(text.dropFirst(2))
                value = KubectlWord(text: v, range: SourceRange(t.start + 2, t.end), word: Word(v, range: SourceRange(t.start + 2, t.end)))
            }
            if flagsWithValues.contains(name) {
                if value == nil {
                    let v = current
                    guard v.kind == .word else {
                        throw ParseFailure(.kubectlNeeds("a value after '\(name)'", verb: verb), at: errorRange(v))
                    }
                    advance()
                    value = KubectlWord(text: raw(v), range: v.range, word: decode(v))
                }
            } else if !booleanFlags.contains(name) {
                throw ParseFailure(.kubectlUnsupportedFlag(name, verb: verb), at: t.range)
            }
            flags.append(KubectlFlag(name: name, value: value, range: t.range))
        }
        return (positional, flags)
    }

    /// `deploy/echo` or `deployment echo`: a kind and a name from one or two positional words.
    func kindAndName(_ words: [KubectlWord], verb: String) throws(ParseFailure) -> (Arg<ResourceKind>, Arg<String>, rest: ArraySlice<KubectlWord>) {
        guard let first = words.first else {
            throw ParseFailure(.kubectlNeeds("a kind and a name, such as deploy/echo", verb: verb), at: errorRange(current))
        }
        if let slash = first.text.firstIndex(of: "/") {
            let k = String(first.text[..<slash])
            let n = String(first.text[first.text.index(after: slash)...])
            let kr = SourceRange(first.range.start, first.range.start + k.utf8.count)
            let nr = SourceRange(kr.end + 1, first.range.end)
            return (try checked(k, Word(k, range: kr), Words.kind), try checked(n, Word(n, range: nr), Words.name), words.dropFirst())
        }
        let kind = try checked(first, Words.kind)
        guard words.count > 1 else {
            throw ParseFailure(.kubectlNeeds("a name after '\(first.text)'", verb: verb), at: first.range)
        }
        return (kind, try checked(words[1], Words.name), words.dropFirst(2))
    }

    func deploymentName(_ words: [KubectlWord], verb: String) throws(ParseFailure) -> (Arg<String>, ArraySlice<KubectlWord>) {
        let (kind, name, rest) = try kindAndName(words, verb: verb)
        guard kind.value == .deployment else {
            throw ParseFailure(.kubectlNeeds("a deployment, such as deploy/\(name.value ?? "echo")", verb: verb), at: kind.range)
        }
        return (name, rest)
    }

    /// Checks a kubectl word against a type, pointing at it when it is wrong.
    func checked<T>(_ text: String, _ word: Word, _ f: (String) throws(WordError) -> T) throws(ParseFailure) -> Arg<T> {
        do { return Arg(word: word, value: try f(text)) } catch {
            throw ParseFailure(error.problem, at: word.range, hint: error.hint)
        }
    }

    func checked<T>(_ w: KubectlWord, _ f: (String) throws(WordError) -> T) throws(ParseFailure) -> Arg<T> {
        try checked(w.text, w.word, f)
    }

    /// The one positional name a verb takes (`create deployment NAME`, `cordon NODE`).
    func onlyName(_ words: [KubectlWord], verb: String, what: String = "a name") throws(ParseFailure) -> Arg<String> {
        guard let first = words.first else {
            throw ParseFailure(.kubectlNeeds(what, verb: verb), at: errorRange(current))
        }
        try noExtra(words.dropFirst())
        return try checked(first, Words.name)
    }

    func noExtra(_ rest: ArraySlice<KubectlWord>) throws(ParseFailure) {
        if let extra = rest.first { throw ParseFailure(.extraArgument(extra.text), at: extra.range) }
    }

    func flagValue<T>(_ flags: [KubectlFlag], _ names: [String], _ type: WordType,
                      _ f: (String) throws(WordError) -> T) throws(ParseFailure) -> Arg<T>? {
        guard let flag = flags.last(where: { names.contains($0.name) }), let v = flag.value else { return nil }
        return try checked(v, f)
    }

    mutating func kubectlCommand() throws(ParseFailure) -> StatementKind {
        let verbToken = current
        guard verbToken.kind == .word else {
            throw ParseFailure(.expected("a kubectl command", found: describe(verbToken)), at: errorRange(verbToken))
        }
        let verb = raw(verbToken)
        guard let known = KubectlVerb(rawValue: verb) else {
            throw ParseFailure(.kubectlUnsupportedVerb(verb), at: verbToken.range,
                               hint: Suggestions.didYouMean(verb, among: KubectlVerb.words))
        }
        advance()
        switch known {
        case .get:
            let (pos, flags) = try kubectlWords(verb: verb, flagsWithValues: KubectlFlags.get, booleanFlags: KubectlFlags.getBoolean)
            guard let first = pos.first else {
                throw ParseFailure(.kubectlNeeds("a kind, such as pods", verb: verb), at: errorRange(current))
            }
            var g: Get
            var rest: ArraySlice<KubectlWord>
            if first.text.contains("/") || pos.count > 1 {
                let (k, n, r) = try kindAndName(pos, verb: verb)
                g = Get(kind: k)
                g.name = n
                rest = r
            } else {
                g = Get(kind: try checked(first, Words.kind))
                rest = pos.dropFirst()
            }
            try noExtra(rest)
            if let o = flags.last(where: { $0.name == "-o" || $0.name == "--output" })?.value {
                guard let form = OutputForm(rawValue: o.text) else {
                    throw ParseFailure(.kubectlUnsupportedFlag("-o \(o.text)", verb: verb), at: o.range, hint: "k8sim prints -o wide, yaml and json")
                }
                g.output = form
            }
            g.selector = try flagValue(flags, ["-l", "--selector"], .selector, Words.selector)
            if let ns = try flagValue(flags, ["-n", "--namespace"], .name, Words.name) { g.namespace = .named(ns) }
            if flags.contains(where: { $0.name == "-A" || $0.name == "--all-namespaces" }) { g.namespace = .all }
            if let sort = flags.first(where: { $0.name == "--sort-by" }), let v = sort.value,
               !(g.kind.value == .event && [".lastTimestamp", ".metadata.creationTimestamp"].contains(v.text)) {
                throw ParseFailure(.kubectlUnsupportedFlag("--sort-by=\(v.text)", verb: verb), at: sort.range,
                                   hint: "k8sim lists events by time already")
            }
            return .get(g)
        case .describe:
            let (pos, _) = try kubectlWords(verb: verb, flagsWithValues: [])
            let (k, n, rest) = try kindAndName(pos, verb: verb)
            try noExtra(rest)
            return .describe(kind: k, name: n)
        case .apply:
            let (pos, flags) = try kubectlWords(verb: verb, flagsWithValues: KubectlFlags.apply)
            try noExtra(pos[...])
            guard let f = flags.last(where: { $0.name == "-f" || $0.name == "--filename" })?.value else {
                throw ParseFailure(.kubectlNeeds("a file: -f FILE", verb: verb), at: verbToken.range)
            }
            return .apply(file: f.word)
        case .delete:
            let (pos, _) = try kubectlWords(verb: verb, flagsWithValues: [])
            let (k, n, rest) = try kindAndName(pos, verb: verb)
            try noExtra(rest)
            return .delete(Delete(kind: k, name: n))
        case .scale:
            let (pos, flags) = try kubectlWords(verb: verb, flagsWithValues: KubectlFlags.scale)
            let (n, rest) = try deploymentName(pos, verb: verb)
            try noExtra(rest)
            guard let r = try flagValue(flags, ["--replicas"], .count, { (s: String) throws(WordError) in try Words.count(s) }) else {
                throw ParseFailure(.kubectlNeeds("--replicas=N", verb: verb), at: verbToken.range)
            }
            return .scale(name: n, replicas: r)
        case .set:
            guard isKeyword("image") else {
                throw ParseFailure(.kubectlUnsupportedVerb("set \(current.kind == .word ? raw(current) : "")"), at: errorRange(current))
            }
            advance()
            let (pos, _) = try kubectlWords(verb: "set image", flagsWithValues: [])
            let (n, rest) = try deploymentName(pos, verb: "set image")
            guard let pair = rest.first, let eq = pair.text.firstIndex(of: "=") else {
                throw ParseFailure(.kubectlNeeds("CONTAINER=IMAGE, such as echo=ghcr.io/subicura/echo:v2", verb: "set image"),
                                   at: rest.first?.range ?? errorRange(current))
            }
            try noExtra(rest.dropFirst())
            let container = String(pair.text[..<eq])
            let image = String(pair.text[pair.text.index(after: eq)...])
            let r = SourceRange(pair.range.start + container.utf8.count + 1, pair.range.end)
            do {
                var ref = try Words.image(image)
                ref.form = .full  // kubectl takes the image word as written
                return .setImage(SetImage(name: n, container: container, image: Arg(word: Word(image, range: r), value: ref)))
            } catch {
                throw ParseFailure(error.problem, at: r, hint: error.hint)
            }
        case .rollout:
            let rv = try oneOf(RolloutVerb.self, what: "a rollout action")
            let sub = rv.rawValue
            var valueFlags: [String] = []
            if rv == .history { valueFlags = ["--revision"] }
            if rv == .undo { valueFlags = ["--to-revision"] }
            let (pos, flags) = try kubectlWords(verb: "rollout \(sub)", flagsWithValues: valueFlags)
            let (n, rest) = try deploymentName(pos, verb: "rollout \(sub)")
            try noExtra(rest)
            var revision = try flagValue(flags, valueFlags, .revision, Words.revision)
            if rv == .undo, revision?.value == 0 { revision = nil }  // kubectl: 0 means the previous revision
            return .rollout(Rollout(verb: rv, name: n, revision: revision))
        case .expose:
            let (pos, flags) = try kubectlWords(verb: verb, flagsWithValues: KubectlFlags.expose)
            let (n, rest) = try deploymentName(pos, verb: verb)
            try noExtra(rest)
            var e = Expose(name: n)
            e.serviceName = try flagValue(flags, ["--name"], .name, Words.name)
            e.port = try flagValue(flags, ["--port"], .port, Words.port)
            e.target = try flagValue(flags, ["--target-port"], .port, Words.portRef)
            if let t = flags.last(where: { $0.name == "--type" })?.value {
                switch t.text {
                case "ClusterIP": e.type = .clusterIP
                case "NodePort": e.type = .nodePort(nil)
                case "LoadBalancer": e.type = .loadBalancer
                default:
                    throw ParseFailure(.kubectlUnsupportedFlag("--type=\(t.text)", verb: verb), at: t.range,
                                       hint: "types are ClusterIP, NodePort and LoadBalancer")
                }
            }
            return .expose(e)
        case .create:
            if try oneOf(KubectlCreateKind.self, what: "'deployment' or 'configmap' after 'kubectl create'") == .deployment {
                let (pos, flags) = try kubectlWords(verb: "create deployment", flagsWithValues: KubectlFlags.createDeployment)
                let n = try onlyName(pos, verb: "create deployment")
                guard var image = try flagValue(flags, ["--image"], .image, Words.image) else {
                    throw ParseFailure(.kubectlNeeds("--image=IMAGE", verb: "create deployment"), at: verbToken.range)
                }
                image.value?.form = .full
                var d = Deploy(name: n, image: image)
                d.replicas = try flagValue(flags, ["--replicas"], .count, { (s: String) throws(WordError) in try Words.count(s) })
                d.port = try flagValue(flags, ["--port"], .port, Words.port)
                return .deploy(d)
            }
            let (pos, flags) = try kubectlWords(verb: "create configmap", flagsWithValues: KubectlFlags.createConfigMap)
            let n = try onlyName(pos, verb: "create configmap")
            var data: [Arg<KeyValue>] = []
            for f in flags {
                guard let v = f.value else { continue }
                data.append(try checked(v, Words.dataPair))
            }
            return .configMap(name: n, data: data)
        case .cordon, .uncordon, .drain:
            let (pos, _) = try kubectlWords(verb: verb, flagsWithValues: [],
                                            booleanFlags: verb == "drain" ? KubectlFlags.drain : [])
            let action: NodeAction = known == .drain ? .drain : (known == .cordon ? .cordon : .uncordon)
            return .nodeAction(action: action, name: try onlyName(pos, verb: verb, what: "a node name"))
        }
    }
}
