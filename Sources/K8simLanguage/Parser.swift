/// The recursive-descent parser: one function per statement, reading the words of one
/// statement at a time. Keywords are contextual: a word is a keyword only where the grammar
/// expects one, so a deployment may be called `deploy` or `image`.
public struct Parser {
    let source: SourceFile
    let bytes: UnsafeBufferPointer<UInt8>
    /// Tokens are pulled one at a time; the parser looks one token ahead.
    var lexer = Lexer()
    var current: Token
    /// The token before `current`, for ranges that end at the last word read.
    var previous: Token
    /// How many tokens have been consumed, to tell whether recovery made progress.
    var consumed = 0
    var diagnostics: [Diagnostic] = []
    var incompleteness: Incompleteness?

    init(source: SourceFile, bytes: UnsafeBufferPointer<UInt8>) {
        self.source = source
        self.bytes = bytes
        current = lexer.next(in: bytes)
        previous = Token(kind: .endOfFile, flags: [], start: 0, end: 0)
    }

    /// Every statement name, for dispatch, completion and "did you mean".
    public static let statementNames: [String] = Verb.allCases.map(\.rawValue)

    /// The statement names, in the order `help` and completion list them.
    public enum Verb: String, CaseIterable, Sendable {
        case cluster, node, fail, recover, cordon, uncordon, drain, crash, registry
        case deploy, scale, set, rollout, delete
        case expose, enable, curl, resolve, configmap
        case wait, get, describe, map, timeline
        case apply, export, source, save, load
        case `let`, `for`, `repeat`, step, say, pause, expect
        case help, quit, exit, clear, kubectl, microk8s
    }

    /// The first (at most) eight bytes of a word and its length: a key that needs no string.
    struct WordKey: Hashable {
        var packed: UInt64
        var length: Int

        init<C: Collection>(_ bytes: C) where C.Element == UInt8 {
            var v: UInt64 = 0
            for b in bytes.prefix(8) { v = v << 8 | UInt64(b) }
            packed = v
            length = bytes.count
        }
    }

    private static let verbsByKey: [WordKey: Verb] = Dictionary(uniqueKeysWithValues: Verb.allCases.map { (WordKey($0.rawValue.utf8), $0) })

    /// The statement a bare word names, matched on its bytes: with a million statements, building
    /// each verb as a string and comparing it with forty names showed in the profile.
    static func verb(of token: Token, in bytes: UnsafeBufferPointer<UInt8>) -> Verb? {
        guard token.kind == .word, token.flags.isEmpty else { return nil }
        let word = UnsafeBufferPointer(rebasing: bytes[token.start..<token.end])
        guard let verb = verbsByKey[WordKey(word)] else { return nil }
        // Names longer than eight bytes share a key with any word of their start and length.
        return word.count <= 8 || word.elementsEqual(verb.rawValue.utf8) ? verb : nil
    }

    public static func parse(_ source: SourceFile) -> ParseResult {
        source.bytes.withUnsafeBufferPointer { buffer in
            var parser = Parser(source: source, bytes: buffer)
            let statements = parser.parseStatements(inBlock: false)
            var diagnostics = parser.lexer.diagnostics + parser.diagnostics
            if diagnostics.count > 1 { diagnostics.sort { $0.range.start < $1.range.start } }
            return ParseResult(source: source, script: Script(statements: statements), diagnostics: diagnostics,
                               comments: parser.lexer.comments,
                               incompleteness: parser.lexer.incompleteness ?? parser.incompleteness)
        }
    }

    public static func parse(_ text: String, name: String = "<input>") -> ParseResult {
        parse(SourceFile(name: name, text: text))
    }

    // MARK: - Token access

    var atStatementEnd: Bool {
        switch current.kind {
        case .word: return false
        default: return true
        }
    }

    mutating func advance() {
        guard current.kind != .endOfFile else { return }
        previous = current
        current = lexer.next(in: bytes)
        consumed += 1
    }

    /// True if `token` is the bare keyword `keyword` (not quoted, no `$`).
    func matches(_ token: Token, _ keyword: StaticString) -> Bool {
        guard token.kind == .word, token.flags.isEmpty, token.end - token.start == keyword.utf8CodeUnitCount else {
            return false
        }
        let k = keyword.utf8Start
        for i in 0..<keyword.utf8CodeUnitCount where bytes[token.start + i] != k[i] { return false }
        return true
    }

    func isKeyword(_ keyword: StaticString) -> Bool { matches(current, keyword) }

    /// The bare text of a token (quotes and `$` not interpreted): for keyword dispatch.
    func raw(_ token: Token) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[token.start..<token.end]), as: UTF8.self)
    }

    /// How an unexpected token reads in a message.
    func describe(_ token: Token) -> String {
        switch token.kind {
        case .word:
            var text = raw(token)
            if text.count > 40 { text = String(text.prefix(37)) + "..." }
            return "'\(text)'"
        case .semicolon: return "';'"
        case .newline: return "the end of the line"
        case .leftBrace: return "'{'"
        case .rightBrace: return "'}'"
        case .endOfFile: return "the end of the input"
        }
    }

    mutating func decode(_ token: Token) -> Word {
        WordDecoder.decode(bytes, token, problems: &diagnostics)
    }

    /// Consumes a keyword the grammar requires here.
    mutating func expectKeyword(_ keyword: StaticString, after context: String) throws(ParseFailure) {
        let t = current
        guard matches(t, keyword) else {
            let found = describe(t)
            var hint: String?
            if t.kind == .word { hint = Suggestions.didYouMean(raw(t), among: ["\(keyword)"]) }
            throw ParseFailure(.expected("'\(keyword)' after \(context)", found: found), at: errorRange(t), hint: hint)
        }
        advance()
    }

    /// The bytes of a bare word; nil for anything else (a quoted or `$` word is never a keyword).
    func bareWord(_ t: Token) -> UnsafeBufferPointer<UInt8>? {
        guard t.kind == .word, t.flags.isEmpty else { return nil }
        return UnsafeBufferPointer(rebasing: bytes[t.start..<t.end])
    }

    /// Consumes one keyword of a closed set and returns it as its enum.
    mutating func oneOf<K: KeywordSet>(_: K.Type, what: String) throws(ParseFailure) -> K {
        if let word = bareWord(current), let match = K.match(word) {
            advance()
            return match.keyword
        }
        throw expectedOneOf(K.words, what: what)
    }

    /// Consumes one of several keywords (a set that depends on what came before) and returns
    /// its place among them.
    mutating func oneOfIndex(_ keywords: [String], what: String) throws(ParseFailure) -> Int {
        if let word = bareWord(current), let i = keywords.firstIndex(where: { $0.utf8.count == word.count && $0.utf8.elementsEqual(word) }) {
            advance()
            return i
        }
        throw expectedOneOf(keywords, what: what)
    }

    /// What to say when the word at hand is none of `keywords`.
    func expectedOneOf(_ keywords: [String], what: String) -> ParseFailure {
        let t = current
        let list = keywords.map { "'\($0)'" }.joined(separator: ", ")
        var hint = t.kind == .word ? Suggestions.didYouMean(raw(t), among: keywords) : nil
        if hint == nil { hint = "one of \(list)" }
        return ParseFailure(.expected(what, found: describe(t)), at: errorRange(t), hint: hint)
    }

    /// A range to point at for a token; for a line end, the place just after the last word.
    func errorRange(_ t: Token) -> SourceRange {
        if t.kind == .word { return t.range }
        if consumed > 0 {
            return SourceRange(previous.end, previous.end + 1)
        }
        return SourceRange(t.start, t.start + 1)
    }

    /// Consumes any word (a name, a file, text).
    mutating func word(_ what: String, example: String? = nil) throws(ParseFailure) -> Word {
        let t = current
        guard t.kind == .word else {
            throw ParseFailure(.expected(what, found: describe(t)), at: errorRange(t),
                               hint: example.map { "for example: \($0)" })
        }
        advance()
        return decode(t)
    }

    /// Consumes a word and checks it against a type, unless it holds `$` references.
    mutating func typed<T>(_ type: WordType, _ check: (String) throws(WordError) -> T) throws(ParseFailure) -> Arg<T> {
        let t = current
        guard t.kind == .word else {
            throw ParseFailure(.expected(type.descriptionWithExample, found: describe(t)), at: errorRange(t))
        }
        advance()
        let w = decode(t)
        guard let text = w.literal else { return Arg(word: w, value: nil) }
        do {
            return Arg(word: w, value: try check(text))
        } catch {
            throw ParseFailure(error.problem, at: t.range, hint: error.hint)
        }
    }

    mutating func name(_ what: String = "a name") throws(ParseFailure) -> Arg<String> {
        let t = current
        guard t.kind == .word else {
            throw ParseFailure(.expected(what, found: describe(t)), at: errorRange(t), hint: "for example: echo-deploy")
        }
        return try typed(.name, Words.name)
    }

    mutating func count() throws(ParseFailure) -> Arg<Int> { try typed(.count) { (s: String) throws(WordError) in try Words.count(s) } }

    /// Words of a repeated option (`label a=b c=d`): every following word that holds `=`.
    mutating func pairs(_ type: WordType, _ check: (String) throws(WordError) -> KeyValue, option: String) throws(ParseFailure) -> [Arg<KeyValue>] {
        var result: [Arg<KeyValue>] = []
        // A quoted or `$` word cannot be an option either: it is a pair, checked when known.
        while current.kind == .word, raw(current).contains("=") || !current.flags.isEmpty {
            result.append(try typed(type, check))
        }
        if result.isEmpty {
            throw ParseFailure(.expected("\(type.descriptionWithExample) after '\(option)'", found: describe(current)),
                               at: errorRange(current))
        }
        return result
    }

    mutating func endOfStatement() throws(ParseFailure) {
        let t = current
        if t.kind == .word {
            throw ParseFailure(.extraArgument(raw(t)), at: t.range)
        }
    }

    // MARK: - Statements and blocks

    mutating func parseStatements(inBlock: Bool) -> [Statement] {
        var statements: [Statement] = []
        while true {
            switch current.kind {
            case .semicolon, .newline:
                advance()
                continue
            case .endOfFile:
                return statements
            case .rightBrace:
                if inBlock { return statements }
                diagnostics.append(Diagnostic(.unmatchedBrace, at: current.range))
                advance()
                continue
            case .leftBrace:
                diagnostics.append(Diagnostic(.expected("a statement", found: "'{'"), at: current.range,
                                              hint: "braces hold the body of 'for' and 'repeat' loops"))
                skipToStatementEnd()
                continue
            case .word:
                break
            }
            let start = consumed
            do {
                let s = try statement()
                try endOfStatement()
                statements.append(s)
            } catch {
                diagnostics.append(error.diagnostic)
                if consumed == start { advance() }
                skipToStatementEnd()
            }
        }
    }

    /// Recovery: skip the rest of a statement, including any block it opened.
    mutating func skipToStatementEnd() {
        var depth = 0
        while true {
            switch current.kind {
            case .endOfFile:
                if depth > 0 && incompleteness == nil { incompleteness = .unclosedBrace }
                return
            case .semicolon, .newline:
                if depth == 0 { return }
            case .leftBrace:
                depth += 1
            case .rightBrace:
                if depth == 0 { return }
                depth -= 1
                if depth == 0 {
                    advance()
                    return
                }
            case .word:
                break
            }
            advance()
        }
    }

    /// `{ statements }`
    mutating func block(for owner: String) throws(ParseFailure) -> [Statement] {
        // The brace opens on the statement's own line: a newline ends a statement (outside
        // braces), and the REPL runs a line that is complete, so `repeat 2` alone is an error.
        let t = current
        guard t.kind == .leftBrace else {
            throw ParseFailure(.expected("'{' to open the body of '\(owner)'", found: describe(t)), at: errorRange(t),
                               hint: t.kind == .newline ? "put '{' on the same line as '\(owner)'" : nil)
        }
        let open = t.range
        advance()
        let body = parseStatements(inBlock: true)
        guard current.kind == .rightBrace else {
            if incompleteness == nil { incompleteness = .unclosedBrace }
            throw ParseFailure(.unclosedBrace, at: open)
        }
        advance()
        return body
    }

    mutating func statement() throws(ParseFailure) -> Statement {
        let first = current
        let startOffset = first.start
        guard first.flags.isEmpty else {
            throw ParseFailure(.expected("a statement name", found: describe(first)), at: first.range,
                               hint: "a statement starts with its name, such as deploy or get")
        }
        let verb = Self.verb(of: first, in: bytes)
        advance()
        var kubectl = false
        let kind: StatementKind
        switch verb {
        case .cluster?: kind = try clusterStatement()
        case .node?: kind = try nodeStatement()
        case .fail?, .recover?, .cordon?, .uncordon?, .drain?:
            let action = verb.flatMap { NodeAction(rawValue: $0.rawValue) } ?? .fail
            try expectKeyword("node", after: "'\(action.rawValue)'")
            kind = .nodeAction(action: action, name: try name("a node name"))
        case .crash?:
            try expectKeyword("pod", after: "'crash'")
            kind = .crashPod(name: try name("a pod name"))
        case .registry?:
            let change = try oneOf(RegistryChange.self, what: "'add' or 'remove' after 'registry'")
            kind = .registry(change: change, image: try typed(.image, Words.image))
        case .deploy?: kind = try deployStatement()
        case .scale?:
            let n = try name("a deployment name")
            if isKeyword("to") { advance() }
            kind = .scale(name: n, replicas: try count())
        case .set?: kind = try setStatement()
        case .rollout?: kind = try rolloutStatement()
        case .delete?:
            let k = try typed(.kind, Words.kind)
            kind = .delete(Delete(kind: k, name: try name()))
        case .expose?: kind = try exposeStatement()
        case .enable?:
            try expectKeyword("metallb", after: "'enable'")
            kind = .enableMetalLB(range: try typed(.ipRange, Words.ipRange))
        case .curl?: kind = .curl(try curlArguments())
        case .resolve?: kind = .resolve(try resolveArguments())
        case .configmap?:
            let n = try name("a configmap name")
            var data: [Arg<KeyValue>] = []
            while current.kind == .word { data.append(try typed(.dataPair, Words.dataPair)) }
            kind = .configMap(name: n, data: data)
        case .wait?: kind = try waitStatement()
        case .get?: kind = try getStatement()
        case .describe?:
            let k = try typed(.kind, Words.kind)
            kind = .describe(kind: k, name: try name())
        case .map?: kind = .map
        case .timeline?: kind = .timeline(name: try name("a deployment name"))
        case .apply?:
            kind = .apply(file: try word("a file name", example: "apply echo-deploy.yaml"))
        case .export?: kind = try exportStatement()
        case .source?: kind = .source(file: try word("a file name", example: "source setup.k8s"))
        case .save?: kind = .save(file: try word("a file name", example: "save session.k8state"))
        case .load?: kind = .load(file: try word("a file name", example: "load session.k8state"))
        case .`let`?: kind = try letStatement()
        case .`for`?: kind = try forStatement()
        case .`repeat`?:
            let n = try count()
            kind = .repeat(count: n, body: try block(for: "repeat"))
        case .step?: kind = .step(title: try text(after: "step"))
        case .say?: kind = .say(text: try text(after: "say"))
        case .pause?: kind = .pause
        case .expect?: kind = .expect(try expectation())
        case .help?: kind = .help(topic: current.kind == .word ? try word("a topic") : nil)
        case .quit?, .exit?: kind = .quit
        case .clear?: kind = .clear
        case .kubectl?:
            kubectl = true
            kind = try kubectlCommand()
        case .microk8s?:
            kubectl = true
            kind = try microk8sCommand()
        case nil:
            let verb = raw(first)
            let hint = Suggestions.didYouMean(verb, among: Self.statementNames) ?? "type 'help' for the list of statements"
            throw ParseFailure(.unknownStatement(verb), at: first.range, hint: hint)
        }
        let endOffset = consumed > 0 ? previous.end : startOffset
        return Statement(kind, range: SourceRange(startOffset, max(startOffset, endOffset)), kubectl: kubectl)
    }

    /// One argument of text for `step` and `say`; several bare words must be quoted.
    mutating func text(after keyword: String) throws(ParseFailure) -> Word {
        let w = try word("text after '\(keyword)'", example: "\(keyword) \"Scale up\"")
        if current.kind == .word {
            throw ParseFailure(.extraArgument(raw(current)), at: current.range,
                               hint: "put the text in double quotes: \(keyword) \"...\"")
        }
        return w
    }

    // MARK: Cluster and nodes

    mutating func clusterStatement() throws(ParseFailure) -> StatementKind {
        try expectKeyword("nodes", after: "'cluster'")
        var setup = ClusterSetup(nodes: try count())
        try options(of: "cluster", ClusterOption.self) { (p: inout Parser, option) throws(ParseFailure) in
            switch option {
            case .cpu: setup.cpu = try p.typed(.quantity, Words.quantity)
            case .memory: setup.memory = try p.typed(.quantity, Words.quantity)
            }
        }
        return .cluster(setup)
    }

    mutating func nodeStatement() throws(ParseFailure) -> StatementKind {
        let op = try oneOf(NodeOperation.self, what: "'add' or 'remove' after 'node'")
        let n = try name("a node name")
        if op == .remove { return .nodeRemove(name: n) }
        var add = NodeAdd(name: n, labels: [])
        try options(of: "node add", NodeAddOption.self) { (p: inout Parser, option) throws(ParseFailure) in
            switch option {
            case .cpu: add.cpu = try p.typed(.quantity, Words.quantity)
            case .memory: add.memory = try p.typed(.quantity, Words.quantity)
            case .label: add.labels = try p.pairs(.labelPair, Words.labelPair, option: "label")
            }
        }
        return .nodeAdd(add)
    }

    /// Reads `keyword value` options in any order, each at most once, until the statement ends.
    mutating func options<Option: KeywordSet>(of statement: String, _: Option.Type,
                                              _ body: (inout Parser, Option) throws(ParseFailure) -> Void) throws(ParseFailure) {
        var seen: UInt64 = 0  // one bit an option: no set to allocate per statement
        while current.kind == .word {
            let t = current
            // Matched on bytes: no string is built for a word that is an option.
            guard let word = bareWord(t), let (index, option) = Option.match(word) else {
                let w = raw(t)
                let allowed = Option.words
                var hint = Suggestions.didYouMean(w, among: allowed)
                    ?? "options of \(statement): " + allowed.joined(separator: ", ")
                if w.hasPrefix("-") {
                    hint = "k8sim's options are words (\(allowed.joined(separator: ", "))); for kubectl's flags, start the line with kubectl"
                }
                throw ParseFailure(.unknownOption(w, of: statement), at: t.range, hint: hint)
            }
            let bit: UInt64 = 1 << UInt64(index & 63)
            guard seen & bit == 0 else { throw ParseFailure(.duplicateOption(option.rawValue), at: t.range) }
            seen |= bit
            advance()
            try body(&self, option)
        }
    }

    // MARK: Workloads


    mutating func deployStatement() throws(ParseFailure) -> StatementKind {
        let n = try name("a deployment name")
        try expectKeyword("image", after: "the deployment name")
        var d = Deploy(name: n, image: try typed(.image, Words.image))
        try options(of: "deploy", DeployOption.self) { (p: inout Parser, option) throws(ParseFailure) in
            switch option {
            case .replicas: d.replicas = try p.count()
            case .port: d.port = try p.typed(.port, Words.port)
            case .label: d.labels = try p.pairs(.labelPair, Words.labelPair, option: "label")
            case .env: d.env = try p.pairs(.envPair, Words.envPair, option: "env")
            case .config: d.config = try p.name("a configmap name")
            case .cpu: d.cpu = try p.typed(.quantity, Words.quantity)
            case .memory: d.memory = try p.typed(.quantity, Words.quantity)
            case .strategy: d.strategy = try p.oneOf(StrategyKind.self, what: "a strategy")
            case .surge: d.surge = try p.typed(.intOrPercent, Words.intOrPercent)
            case .unavailable: d.unavailable = try p.typed(.intOrPercent, Words.intOrPercent)
            case .minready: d.minReady = try p.typed(.duration, Words.duration)
            case .history: d.history = try p.count()
            case .deadline: d.deadline = try p.typed(.duration, Words.duration)
            }
        }
        if d.strategy == .recreate, let r = d.surge ?? d.unavailable {
            throw ParseFailure(.conflictingOptions("strategy recreate", d.surge != nil ? "surge" : "unavailable"), at: r.range,
                               hint: "surge and unavailable belong to the rolling strategy")
        }
        return .deploy(d)
    }

    mutating func setStatement() throws(ParseFailure) -> StatementKind {
        switch try oneOf(SetTarget.self, what: "what to set") {
        case .image:
            let n = try name("a deployment name")
            return .setImage(SetImage(name: n, container: nil, image: try typed(.image, Words.image)))
        case .clock:
            return .setClock(try oneOf(ClockMode.self, what: "'auto' or 'manual'"))
        case .seed:
            return .setSeed(try count())
        case .trace:
            return .setTrace(try oneOf(Switch.self, what: "'on' or 'off'") == .on)
        }
    }

    mutating func rolloutStatement() throws(ParseFailure) -> StatementKind {
        let verb = try oneOf(RolloutVerb.self, what: "a rollout action")
        var r = Rollout(verb: verb, name: try name("a deployment name"), revision: nil)
        if verb == .history, isKeyword("revision") {
            advance()
            r.revision = try typed(.revision, Words.revision)
        } else if verb == .undo, isKeyword("to") {
            advance()
            try expectKeyword("revision", after: "'to'")
            r.revision = try typed(.revision, Words.revision)
        }
        return .rollout(r)
    }

    // MARK: Networking

    mutating func exposeStatement() throws(ParseFailure) -> StatementKind {
        var e = Expose(name: try name("a deployment name"))
        var typeWord: ExposeOption?
        try options(of: "expose", ExposeOption.self) { (p: inout Parser, option) throws(ParseFailure) in
            func oneType() throws(ParseFailure) {
                if let previous = typeWord {
                    throw ParseFailure(.conflictingOptions(previous.rawValue, option.rawValue), at: p.previous.range,
                                       hint: "a service has one type")
                }
                typeWord = option
            }
            switch option {
            case .as: e.serviceName = try p.name("a service name")
            case .port: e.port = try p.typed(.port, Words.port)
            case .target: e.target = try p.typed(.port, Words.portRef)
            case .clusterip:
                try oneType()
                e.type = .clusterIP
            case .loadbalancer:
                try oneType()
                e.type = .loadBalancer
            case .nodeport:
                try oneType()
                var number: Arg<Int>?
                let t = p.current
                // A quoted or `$` word is never an option, so it is the port.
                if t.kind == .word, Words.isDigits(p.raw(t)) || !t.flags.isEmpty {
                    number = try p.typed(.nodePort, Words.port)
                }
                e.type = .nodePort(number)
            }
        }
        return .expose(e)
    }

    mutating func curlArguments() throws(ParseFailure) -> Curl {
        var c = Curl(target: try typed(.target, Words.target))
        try options(of: "curl", CurlOption.self) { (p: inout Parser, option) throws(ParseFailure) in
            switch option {
            case .from: c.from = try p.name("a pod or deployment name")
            case .times: c.times = try p.count()
            }
        }
        return c
    }

    /// `curl` arguments inside `expect`, which stop at the outcome word.
    mutating func expectCurlArguments() throws(ParseFailure) -> Curl {
        var c = Curl(target: try typed(.target, Words.target))
        while true {
            if isKeyword("from") {
                advance()
                c.from = try name("a pod or deployment name")
            } else if isKeyword("times") {
                advance()
                c.times = try count()
            } else {
                return c
            }
        }
    }

    mutating func resolveArguments() throws(ParseFailure) -> Resolve {
        var r = Resolve(name: try word("a name to resolve", example: "resolve redis"))
        if isKeyword("from") {
            advance()
            r.from = try name("a pod or deployment name")
        }
        return r
    }

    // MARK: Time and inspection

    mutating func waitStatement() throws(ParseFailure) -> StatementKind {
        if isKeyword("until") {
            advance()
            switch try oneOf(WaitUntil.self, what: "'rollout NAME' or 'ready' after 'until'") {
            case .ready: return .wait(.ready)
            case .rollout: return .wait(.rollout(try name("a deployment name")))
            }
        }
        return .wait(.duration(try typed(.duration, Words.duration)))
    }

    mutating func getStatement() throws(ParseFailure) -> StatementKind {
        var g = Get(kind: try typed(.kind, Words.kind))
        if current.kind == .word, bareWord(current).flatMap(GetOption.match) == nil, !raw(current).hasPrefix("-") {
            g.name = try name()
        }
        try options(of: "get", GetOption.self) { (p: inout Parser, option) throws(ParseFailure) in
            let form: OutputForm
            switch option {
            case .where:
                g.selector = try p.typed(.selector, Words.selector)
                return
            case .in:
                g.namespace = .named(try p.name("a namespace"))
                return
            case .wide: form = .wide
            case .yaml: form = .yaml
            case .json: form = .json
            }
            if let previous = g.output {
                throw ParseFailure(.conflictingOptions(previous.rawValue, option.rawValue), at: p.previous.range)
            }
            g.output = form
        }
        return .get(g)
    }

    mutating func exportStatement() throws(ParseFailure) -> StatementKind {
        var e = Export()
        if current.kind == .word, !isKeyword("to") {
            e.kind = try typed(.kind, Words.kind)
            e.name = try name()
        }
        if isKeyword("to") {
            advance()
            e.file = try word("a file name", example: "export to echo.yaml")
        }
        return .export(e)
    }

    // MARK: Scripting

    mutating func variableName(_ context: String) throws(ParseFailure) -> String {
        let t = current
        let w = t.kind == .word ? raw(t) : ""
        let valid = t.kind == .word && t.flags.isEmpty && !w.isEmpty
            && w.utf8.allSatisfy(Lexer.isNameByte) && Lexer.isNameStart(w.utf8.first ?? 0)
        guard valid else {
            throw ParseFailure(.expected("a variable name after '\(context)'", found: describe(t)), at: errorRange(t),
                               hint: "variable names are letters, digits and '_', such as image_tag")
        }
        advance()
        return w
    }

    mutating func letStatement() throws(ParseFailure) -> StatementKind {
        let t = current
        if t.kind == .word, raw(t).contains("=") {
            throw ParseFailure(.expected("a variable name after 'let'", found: describe(t)), at: t.range,
                               hint: "put spaces around '=': let name = value")
        }
        let n = try variableName("let")
        try expectKeyword("=", after: "the variable name")
        return .let(name: n, value: try word("a value", example: "let tag = v2"))
    }

    mutating func forStatement() throws(ParseFailure) -> StatementKind {
        let v = try variableName("for")
        try expectKeyword("in", after: "the loop variable")
        var items: [Word] = []
        while current.kind == .word { items.append(decode(current)); advance() }
        if items.isEmpty {
            throw ParseFailure(.expected("the values to loop over", found: describe(current)), at: errorRange(current),
                               hint: "for example: for tag in v1 v2 v3 { set image echo $tag }")
        }
        return .for(variable: v, items: items, body: try block(for: "for"))
    }

    // MARK: Expectations

    mutating func expectation() throws(ParseFailure) -> Expectation {
        let t = current
        guard t.kind == .word, t.flags.isEmpty else {
            throw ParseFailure(.expected("what to expect", found: describe(t)), at: errorRange(t),
                               hint: "for example: expect deployment echo available 4")
        }
        let w = raw(t)
        switch w {
        case "curl":
            advance()
            let c = try expectCurlArguments()
            let outcome = try oneOf(Outcome.self, what: "'answers' or 'fails'")
            var text: Word?
            if isKeyword("with") {
                advance()
                text = try word("the text to find", example: "expect curl counter answers with \"1\"")
            }
            return .curl(c, outcome: outcome, text: text)
        case "resolve":
            advance()
            let r = try resolveArguments()
            switch try oneOf(ResolveOutcome.self, what: "'to ADDRESS' or 'fails'") {
            case .to: return .resolve(r, address: try word("an address", example: "10.152.183.10"))
            case .fails: return .resolve(r, address: nil)
            }
        case "error":
            advance()
            var text: Word?
            if current.kind == .word { text = try word("the error text") }
            return .error(text: text, body: try block(for: "expect error"))
        case "event", "events":
            advance()
            return .event(text: try word("the text of an event", example: "expect event \"Scaled up\""))
        default:
            break
        }
        let kind = try typed(.kind, Words.kind)
        let k = kind.value ?? .pod
        if k == .pod {
            let n = current
            var isCount = n.kind == .word && n.flags.isEmpty
                && (["where", "on"].contains(raw(n)) || PodState(rawValue: raw(n)) != nil || Words.isDigits(raw(n)))
            if !isCount, n.kind == .word, !n.flags.isEmpty {
                // A quoted or `$` word ending the statement is the count; a pod's name has a
                // property after it. The lexer is a value: a copy peeks one token further.
                var ahead = lexer
                isCount = ahead.next(in: bytes).kind != .word
            }
            if isCount { return .podCount(try podCount(selectorFrom: nil)) }
        }
        let allowed = ObjectProperty.allowed(for: k)
        if allowed.isEmpty {
            throw ParseFailure(.expected("a kind that has properties", found: "'\(raw(t))'"), at: kind.range,
                               hint: k == .event ? "write: expect event \"text\"" : nil)
        }
        let n = try name()
        let p = allowed[try oneOfIndex(allowed.map(\.rawValue), what: "a property of the \(k.singular)")]
        var value: Word?
        if p.takesValue { value = try word("a value after '\(p.rawValue)'") }
        return .property(kind: kind, name: n, property: p, value: value)
    }

    mutating func podCount(selectorFrom: Arg<[KeyValue]>?) throws(ParseFailure) -> PodCount {
        var selector = selectorFrom
        var node: Arg<String>?
        var state: PodState?
        if isKeyword("where") {
            advance()
            selector = try typed(.selector, Words.selector)
        }
        if isKeyword("on") {
            advance()
            node = try name("a node name")
        }
        if current.kind == .word, current.flags.isEmpty, let s = PodState(rawValue: raw(current)) {
            state = s
            advance()
        }
        let t = current
        if t.kind == .word, t.flags.isEmpty, !Words.isDigits(raw(t)) {
            let hint = Suggestions.didYouMean(raw(t), among: PodState.allCases.map(\.rawValue) + ["where", "on"])
            throw ParseFailure(.expected("a count of pods", found: describe(t)), at: t.range, hint: hint)
        }
        return PodCount(selector: selector, node: node, state: state, count: try count())
    }
}

extension Deploy {
    public init(name: Arg<String>, image: Arg<ImageRef>, replicas: Arg<Int>?) {
        self.init(name: name, image: image)
        self.replicas = replicas
    }
}

extension Expose {
    init(name: Arg<String>) {
        self.init(name: name, serviceName: nil, port: nil, target: nil, type: nil)
    }
}

extension Curl {
    init(target: Arg<Target>) { self.init(target: target, from: nil, times: nil) }
}

extension Resolve {
    init(name: Word) { self.init(name: name, from: nil) }
}

extension Get {
    init(kind: Arg<ResourceKind>) { self.init(kind: kind, name: nil, selector: nil, namespace: nil, output: nil) }
}


extension Words {
    public static func portRef(_ s: String) throws(WordError) -> PortRef {
        if isDigits(s) { return .number(try port(s)) }
        // A named container port: IANA_SVC_NAME, at most 15 lowercase letters, digits and '-'.
        guard s.count <= 15, s.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }),
              s.utf8.contains(where: { $0 >= 0x61 && $0 <= 0x7A }) else {
            throw WordError(.badWord(.port, found: s), hint: "a target is a port number or a container port's name, such as http")
        }
        return .name(s)
    }
}
