import K8simLanguage

/// A small reader for Grammar/k8sim.ebnf, a sentence generator, and a recognizer that checks
/// a statement's words against the grammar. Test support only.
indirect enum GrammarExpr: CustomStringConvertible {
    case terminal(String)
    case rule(String)
    case special(String)
    case sequence([GrammarExpr])
    case choice([GrammarExpr])
    case optional(GrammarExpr)
    case repetition(GrammarExpr)

    var description: String {
        switch self {
        case .terminal(let t): return "\"\(t)\""
        case .rule(let r): return r
        case .special(let s): return "? \(s) ?"
        case .sequence(let xs): return xs.map(\.description).joined(separator: " ")
        case .choice(let xs): return "( " + xs.map(\.description).joined(separator: " | ") + " )"
        case .optional(let x): return "[ \(x) ]"
        case .repetition(let x): return "{ \(x) }"
        }
    }
}

struct GrammarError: Error, CustomStringConvertible {
    var description: String
}

struct Grammar {
    var rules: [String: GrammarExpr] = [:]
    var order: [String] = []

    init(text: String) throws {
        var chars = Array(text.unicodeScalars)
        // Drop comments (* ... *).
        var cleaned: [Unicode.Scalar] = []
        var i = 0
        while i < chars.count {
            if chars[i] == "(", i + 1 < chars.count, chars[i + 1] == "*" {
                i += 2
                while i + 1 < chars.count, !(chars[i] == "*" && chars[i + 1] == ")") { i += 1 }
                i += 2
                continue
            }
            cleaned.append(chars[i])
            i += 1
        }
        chars = cleaned
        var tokens: [String] = []
        i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\n" || c == "\t" || c == "\r" { i += 1; continue }
            if c == "\"" {
                var j = i + 1
                while j < chars.count, chars[j] != "\"" { j += 1 }
                tokens.append("\"" + String(String.UnicodeScalarView(chars[(i + 1)..<j])))
                i = j + 1
                continue
            }
            if c == "?" {
                var j = i + 1
                while j < chars.count, chars[j] != "?" { j += 1 }
                tokens.append("?" + String(String.UnicodeScalarView(chars[(i + 1)..<j])).trimmingSpaces())
                i = j + 1
                continue
            }
            if "=|[]{}();".unicodeScalars.contains(c) {
                tokens.append(String(c))
                i += 1
                continue
            }
            var j = i
            while j < chars.count, chars[j].properties.isAlphabetic || chars[j] == "-" || ("0"..."9").contains(chars[j]) { j += 1 }
            guard j > i else { throw GrammarError(description: "unexpected character '\(c)' in the grammar") }
            tokens.append(String(String.UnicodeScalarView(chars[i..<j])))
            i = j
        }
        var p = 0
        func parseChoice() throws -> GrammarExpr {
            var alts = [try parseSequence()]
            while p < tokens.count, tokens[p] == "|" {
                p += 1
                alts.append(try parseSequence())
            }
            return alts.count == 1 ? alts[0] : .choice(alts)
        }
        func parseSequence() throws -> GrammarExpr {
            var items: [GrammarExpr] = []
            while p < tokens.count {
                let t = tokens[p]
                if t == "|" || t == ";" || t == "]" || t == "}" || t == ")" { break }
                p += 1
                switch t {
                case "[":
                    let inner = try parseChoice()
                    guard p < tokens.count, tokens[p] == "]" else { throw GrammarError(description: "expected ]") }
                    p += 1
                    items.append(.optional(inner))
                case "{":
                    let inner = try parseChoice()
                    guard p < tokens.count, tokens[p] == "}" else { throw GrammarError(description: "expected }") }
                    p += 1
                    items.append(.repetition(inner))
                case "(":
                    let inner = try parseChoice()
                    guard p < tokens.count, tokens[p] == ")" else { throw GrammarError(description: "expected )") }
                    p += 1
                    items.append(inner)
                default:
                    if t.hasPrefix("\"") { items.append(.terminal(String(t.dropFirst()))) }
                    else if t.hasPrefix("?") { items.append(.special(String(t.dropFirst()))) }
                    else { items.append(.rule(t)) }
                }
            }
            return items.count == 1 ? items[0] : .sequence(items)
        }
        while p < tokens.count {
            let name = tokens[p]
            guard p + 1 < tokens.count, tokens[p + 1] == "=" else {
                throw GrammarError(description: "expected '=' after rule name \(name)")
            }
            p += 2
            let body = try parseChoice()
            guard p < tokens.count, tokens[p] == ";" else { throw GrammarError(description: "expected ';' after rule \(name)") }
            p += 1
            if rules[name] != nil { throw GrammarError(description: "rule \(name) defined twice") }
            rules[name] = body
            order.append(name)
        }
        for (name, body) in rules {
            for r in body.referencedRules where rules[r] == nil {
                throw GrammarError(description: "rule \(name) uses undefined rule \(r)")
            }
        }
    }

    /// The statement rules: the alternatives of `statement`.
    var statementRules: [String] {
        guard case .choice(let alts)? = rules["statement"] else { return [] }
        return alts.compactMap { if case .rule(let r) = $0 { return r } else { return nil } }
    }

    /// Every keyword and symbol the grammar names.
    var allTerminals: [String] {
        func collect(_ e: GrammarExpr, _ out: inout Set<String>) {
            switch e {
            case .terminal(let t): out.insert(t)
            case .rule, .special: break
            case .sequence(let xs), .choice(let xs): for x in xs { collect(x, &out) }
            case .optional(let x), .repetition(let x): collect(x, &out)
            }
        }
        var out = Set<String>()
        for body in rules.values { collect(body, &out) }
        return out.sorted()
    }

    /// The first keywords a rule can start with.
    func firstTerminals(_ e: GrammarExpr) -> Set<String> {
        switch e {
        case .terminal(let t): return [t]
        case .rule(let r): return rules[r].map(firstTerminals) ?? []
        case .special: return []
        case .sequence(let xs): return xs.first.map(firstTerminals) ?? []
        case .choice(let xs): return xs.reduce(into: Set<String>()) { $0.formUnion(firstTerminals($1)) }
        case .optional(let x), .repetition(let x): return firstTerminals(x)
        }
    }
}

extension GrammarExpr {
    var referencedRules: [String] {
        switch self {
        case .terminal, .special: return []
        case .rule(let r): return [r]
        case .sequence(let xs), .choice(let xs): return xs.flatMap(\.referencedRules)
        case .optional(let x), .repetition(let x): return x.referencedRules
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\n" { s = s.dropFirst() }
        while s.last == " " || s.last == "\n" { s = s.dropLast() }
        return String(s)
    }
}

// MARK: - Generating sentences

extension Grammar {
    /// Example words for each typed word, valid for the parser.
    static func example(_ special: String) -> [String] {
        if special.hasPrefix("flag ") {
            // "flag -o --output: wide yaml json" or "flag --replicas: count"
            let body = special.dropFirst(5)
            let parts = body.split(separator: ":", maxSplits: 1)
            let names = parts[0].split(separator: " ").map(String.init)
            let values = parts.count > 1 ? parts[1].split(separator: " ").map(String.init) : []
            let value = values.count == 1 ? (example(values[0]).first ?? values[0]) : (values.first ?? "x")
            return ["\(names.last ?? names[0])=\(value)"]
        }
        switch special {
        case "count": return ["4"]
        case "revision": return ["2"]
        case "duration": return ["30s"]
        case "quantity": return ["500m"]
        case "int-or-percent": return ["25%"]
        case "port": return ["31000"]
        case "port-ref": return ["3000"]
        case "label": return ["app=echo"]
        case "env": return ["REDIS_HOST=redis"]
        case "data": return ["mode=fast"]
        case "selector": return ["app=echo,tier=web"]
        case "target": return ["n1:31000"]
        case "ip-range": return ["10.64.140.43-10.64.140.49"]
        case "image": return ["ghcr.io/subicura/echo:v1"]
        case "name": return ["echo"]
        case "variable": return ["tag"]
        case "word": return ["\"some text\""]
        case "kind": return ["pods"]
        case "kind/name": return ["deploy/echo"]
        case "deployment/name": return ["deploy/echo"]
        case "container=image": return ["echo=ghcr.io/subicura/echo:v2"]
        case "metallb:ip-range": return ["metallb:10.64.140.43-10.64.140.49"]
        case "newline": return [";"]
        default: return ["?\(special)?"]
        }
    }

    func alternatives(of e: GrammarExpr) -> [GrammarExpr] {
        switch e {
        case .rule(let r): return rules[r].map { alternatives(of: $0) } ?? [e]
        case .choice(let xs): return xs
        default: return [e]
        }
    }

    /// Sentences that together use every alternative, optional and repetition of `e` at least
    /// once. Sequences combine their parts' sentences by position rather than as a product,
    /// which keeps the count small.
    func sentences(_ e: GrammarExpr, depth: Int = 0) -> [[String]] {
        switch e {
        case .terminal(let t): return [[t]]
        case .special(let s): return Grammar.example(s).map { [$0] }
        case .rule(let r):
            guard let body = rules[r] else { return [] }
            if r == "script" { return depth > 2 ? [[]] : [[], ["map"], ["scale", "echo", "4", ";", "map"]] }
            return sentences(body, depth: depth + 1)
        case .sequence(let xs):
            let parts = xs.map { sentences($0, depth: depth) }
            let n = parts.map(\.count).max() ?? 1
            return (0..<n).map { i in parts.flatMap { $0.isEmpty ? [] : $0[i % $0.count] } }
        case .choice(let xs):
            return xs.flatMap { sentences($0, depth: depth) }
        case .optional(let x):
            return [[]] + sentences(x, depth: depth)
        case .repetition(let x):
            // Each alternative alone, then one of every alternative together (options are
            // used at most once each, so "together" takes each alternative's first form).
            let each = sentences(x, depth: depth)
            let together = alternatives(of: x).flatMap { sentences($0, depth: depth).first ?? [] }
            return [[]] + each + [together]
        }
    }
}

// MARK: - Recognizing a statement

/// A word of a statement as the recognizer sees it.
struct GrammarToken {
    var text: String
    /// A bare word may be a keyword; a quoted one never is.
    var bare: Bool
    var hasVariable: Bool
    var isBrace: Bool { bare && (text == "{" || text == "}") }
}

extension Grammar {
    func tokens(of statement: Statement, in source: SourceFile) -> [GrammarToken] {
        let text = SourceFile(name: "", text: source.text(in: statement.range))
        let lexed = Lexer.tokenize(text)
        var out: [GrammarToken] = []
        for t in lexed.tokens {
            switch t.kind {
            case .word:
                out.append(GrammarToken(text: text.text(in: t.range), bare: !t.flags.contains(.quoted),
                                        hasVariable: t.flags.contains(.variable)))
            case .leftBrace: out.append(GrammarToken(text: "{", bare: true, hasVariable: false))
            case .rightBrace: out.append(GrammarToken(text: "}", bare: true, hasVariable: false))
            case .semicolon: out.append(GrammarToken(text: ";", bare: true, hasVariable: false))
            case .newline: out.append(GrammarToken(text: "\n", bare: true, hasVariable: false))
            case .endOfFile: break
            }
        }
        return out
    }

    /// Whether the whole token list is one `statement`.
    func recognizes(_ tokens: [GrammarToken]) -> Bool {
        var memo: [String: Set<Int>] = [:]
        return match(.rule("statement"), tokens, 0, &memo).contains(tokens.count)
    }

    func match(_ e: GrammarExpr, _ ts: [GrammarToken], _ i: Int, _ memo: inout [String: Set<Int>]) -> Set<Int> {
        switch e {
        case .terminal(let t):
            if t == ";" { return i < ts.count && ts[i].text == ";" && ts[i].bare ? [i + 1] : [] }
            return i < ts.count && ts[i].bare && !ts[i].hasVariable && ts[i].text == t ? [i + 1] : []
        case .rule(let r):
            let key = "\(r)@\(i)"
            if let m = memo[key] { return m }
            memo[key] = []  // guards left recursion
            var result: Set<Int>
            result = rules[r].map { match($0, ts, i, &memo) } ?? []
            memo[key] = result
            return result
        case .special(let s):
            return matchSpecial(s, ts, i)
        case .sequence(let xs):
            var positions: Set<Int> = [i]
            for x in xs {
                var next: Set<Int> = []
                for p in positions { next.formUnion(match(x, ts, p, &memo)) }
                positions = next
                if positions.isEmpty { break }
            }
            return positions
        case .choice(let xs):
            return xs.reduce(into: Set<Int>()) { $0.formUnion(match($1, ts, i, &memo)) }
        case .optional(let x):
            return match(x, ts, i, &memo).union([i])
        case .repetition(let x):
            var all: Set<Int> = [i]
            var frontier: Set<Int> = [i]
            while !frontier.isEmpty {
                var next: Set<Int> = []
                for p in frontier { next.formUnion(match(x, ts, p, &memo).subtracting(all)) }
                all.formUnion(next)
                frontier = next.filter { $0 > i }
            }
            return all
        }
    }

    func checkWord(_ type: String, _ t: GrammarToken) -> Bool {
        if t.isBrace || (t.bare && (t.text == ";" || t.text == "\n")) { return false }
        if t.hasVariable { return true }
        let value = Grammar.decoded(t.text)
        switch type {
        case "word": return true
        case "count": return (try? Words.count(value)) != nil
        case "revision": return (try? Words.revision(value)) != nil
        case "duration": return (try? Words.duration(value)) != nil
        case "quantity": return (try? Words.quantity(value)) != nil
        case "int-or-percent": return (try? Words.intOrPercent(value)) != nil
        case "port": return (try? Words.port(value)) != nil
        case "port-ref": return (try? Words.portRef(value)) != nil
        case "label": return (try? Words.labelPair(value)) != nil
        case "env": return (try? Words.envPair(value)) != nil
        case "data": return (try? Words.dataPair(value)) != nil
        case "selector": return (try? Words.selector(value)) != nil
        case "target": return (try? Words.target(value)) != nil
        case "ip-range": return (try? Words.ipRange(value)) != nil
        case "image": return (try? Words.image(value)) != nil
        case "name": return (try? Words.name(value)) != nil
        case "kind": return (try? Words.kind(value)) != nil
        case "variable": return t.bare && !value.isEmpty && value.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
        case "kind/name", "deployment/name":
            let parts = value.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let k = try? Words.kind(parts[0]), (try? Words.name(parts[1])) != nil else { return false }
            return type == "kind/name" || k == .deployment
        case "container=image":
            let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
            return parts.count == 2 && (try? Words.image(parts[1])) != nil
        case "metallb:ip-range":
            return value.hasPrefix("metallb:") && (try? Words.ipRange(String(value.dropFirst(8)))) != nil
        default:
            return false
        }
    }

    func matchSpecial(_ s: String, _ ts: [GrammarToken], _ i: Int) -> Set<Int> {
        guard i < ts.count else { return [] }
        if s == "newline" { return ts[i].bare && ts[i].text == "\n" ? [i + 1] : [] }
        if s.hasPrefix("flag ") {
            let body = s.dropFirst(5)
            let parts = body.split(separator: ":", maxSplits: 1)
            let names = parts[0].split(separator: " ").map(String.init)
            let values = parts.count > 1 ? parts[1].split(separator: " ").map(String.init) : []
            func valueOK(_ v: GrammarToken) -> Bool {
                if values.count == 1 { return checkWord(values[0], v) }
                return values.isEmpty || values.contains(v.text)
            }
            let t = ts[i].text
            var result: Set<Int> = []
            for n in names {
                if t == n, i + 1 < ts.count, valueOK(ts[i + 1]) { result.insert(i + 2) }
                if t.hasPrefix(n + "=") {
                    let v = GrammarToken(text: String(t.dropFirst(n.count + 1)), bare: true, hasVariable: false)
                    if valueOK(v) { result.insert(i + 1) }
                }
                if !n.hasPrefix("--"), t.hasPrefix(n), t.count > n.count, !t.hasPrefix(n + "=") {
                    let v = GrammarToken(text: String(t.dropFirst(n.count)), bare: true, hasVariable: false)
                    if valueOK(v) { result.insert(i + 1) }
                }
            }
            return result
        }
        return checkWord(s, ts[i]) ? [i + 1] : []
    }

    /// The value of a word with its quotes removed (escapes are not needed by the checks).
    static func decoded(_ text: String) -> String {
        String(text.filter { $0 != "\"" })
    }

    /// kubectl flags may stand anywhere among the arguments and repeat (the last counts); the
    /// grammar puts them last, once each. Quotes in a kubectl line are a shell's: removed.
    static func movingFlagsLast(_ tokens: [GrammarToken]) -> [GrammarToken] {
        guard let first = tokens.first, first.text == "kubectl" || first.text == "microk8s" else { return tokens }
        let ts = tokens.map { GrammarToken(text: decoded($0.text), bare: true, hasVariable: $0.hasVariable) }
        let valued: Set<String> = ["-o", "--output", "-l", "--selector", "-n", "--namespace", "--sort-by", "-f", "--filename",
                                   "--replicas", "--revision", "--to-revision", "--port", "--target-port", "--type", "--name",
                                   "--image", "--from-literal"]
        var plain: [GrammarToken] = []
        var flags: [(name: String, words: [GrammarToken])] = []
        var i = 0
        while i < ts.count {
            let t = ts[i]
            if t.bare, t.text.hasPrefix("-"), t.text.count > 1 {
                var words = [t]
                if valued.contains(t.text), i + 1 < ts.count {
                    words.append(ts[i + 1])
                    i += 1
                }
                let name = String(t.text.prefix { $0 != "=" })
                flags.removeAll { $0.name == name }
                flags.append((name, words))
            } else {
                plain.append(t)
            }
            i += 1
        }
        return plain + flags.flatMap(\.words)
    }
}

// MARK: - Random sentences

extension Grammar {
    /// Several valid words for each typed word, for random sentences.
    static func pool(_ special: String) -> [String] {
        switch special {
        case "count": return ["4", "0", "12"]
        case "revision": return ["2"]
        case "duration": return ["30s", "500ms", "1h30m"]
        case "quantity": return ["500m", "2", "128Mi"]
        case "int-or-percent": return ["25%", "1"]
        case "port": return ["31000", "80"]
        case "port-ref": return ["3000", "http"]
        case "label": return ["app=echo", "tier="]
        case "env": return ["REDIS_HOST=redis"]
        case "data": return ["mode=fast", "k="]
        case "selector": return ["app=echo,tier=web", "app=echo"]
        case "target": return ["n1:31000", "counter"]
        case "ip-range": return ["10.64.140.43-10.64.140.49", "10.0.0.0/28"]
        case "image": return ["ghcr.io/subicura/echo:v1", "v1", "redis"]
        case "name": return ["echo", "n1", "redis.db"]
        case "variable": return ["tag", "n_1"]
        case "word": return ["\"some text\"", "file.yaml", "x"]
        case "kind": return ["pods", "deploy", "svc", "cm"]
        case "kind/name": return ["deploy/echo", "po/x"]
        default: return example(special)
        }
    }

    /// Typed words that are never quoted or given as `$` (the grammar's header says where).
    static let bareOnly: Set<String> = ["variable", "kind/name", "deployment/name", "container=image", "metallb:ip-range"]

    /// How deep `e` must go before it can end: a random sentence past its depth budget takes
    /// only the alternatives that end soonest.
    func minDepth(_ e: GrammarExpr, _ seen: Set<String> = []) -> Int {
        switch e {
        case .terminal, .special, .optional, .repetition: return 0
        case .rule(let r):
            guard !seen.contains(r), let body = rules[r] else { return 99 }
            return 1 + minDepth(body, seen.union([r]))
        case .sequence(let xs): return xs.map { minDepth($0, seen) }.max() ?? 0
        case .choice(let xs): return xs.map { minDepth($0, seen) }.min() ?? 0
        }
    }

    /// One random sentence of `e`, as words (`"\n"` stands for a newline). Typed words are
    /// sometimes quoted or given as variables, as a user may write them, except in kubectl lines.
    func randomSentence(_ e: GrammarExpr, depth: Int = 0, inKubectl: Bool = false, rng: inout SplitMix64) -> [String] {
        switch e {
        case .terminal(let t): return [t]
        case .special(let s): return randomWord(s, quoting: !inKubectl, rng: &rng)
        case .rule(let r):
            if r == "script" && depth >= 4 { return [] }
            guard let body = rules[r] else { return [] }
            let kubectl = inKubectl || r == "kubectl-statement" || r == "microk8s-statement"
            return randomSentence(body, depth: depth + 1, inKubectl: kubectl, rng: &rng)
        case .sequence(let xs):
            return xs.flatMap { randomSentence($0, depth: depth, inKubectl: inKubectl, rng: &rng) }
        case .choice(let xs):
            var pick = xs
            if depth >= 6 {
                let least = xs.map { minDepth($0) }.min() ?? 0
                pick = xs.filter { minDepth($0) == least }
            }
            return randomSentence(pick[Int.random(in: 0..<pick.count, using: &rng)], depth: depth, inKubectl: inKubectl, rng: &rng)
        case .optional(let x):
            return Bool.random(using: &rng) ? randomSentence(x, depth: depth, inKubectl: inKubectl, rng: &rng) : []
        case .repetition(let x):
            let n = [0, 0, 1, 1, 2, 3][Int.random(in: 0..<6, using: &rng)]
            let alternatives = alternatives(of: x)
            // A repeated choice of options uses each option at most once, as the grammar's
            // prose says; any other repetition repeats its body.
            let picks: [GrammarExpr] = alternatives.count > 1
                ? Array(alternatives.shuffled(using: &rng).prefix(n)) : Array(repeating: x, count: n)
            return picks.flatMap { randomSentence($0, depth: depth, inKubectl: inKubectl, rng: &rng) }
        }
    }

    func randomWord(_ s: String, quoting: Bool, rng: inout SplitMix64) -> [String] {
        func pick(_ xs: [String]) -> String { xs[Int.random(in: 0..<xs.count, using: &rng)] }
        if s == "newline" { return [pick(["\n", ";"])] }
        if s.hasPrefix("flag ") {
            let parts = s.dropFirst(5).split(separator: ":", maxSplits: 1)
            let names = parts[0].split(separator: " ").map(String.init)
            let values = parts.count > 1 ? parts[1].split(separator: " ").map(String.init) : []
            let value = values.count == 1 ? pick(Grammar.pool(values[0])) : (values.isEmpty ? "x" : pick(values))
            let name = pick(names)
            return name.hasPrefix("--") || Bool.random(using: &rng) ? ["\(name)=\(value)"] : [name, value]
        }
        var word = pick(Grammar.pool(s))
        if quoting && !Grammar.bareOnly.contains(s) {
            let r = Int.random(in: 0..<100, using: &rng)
            if r < 15 { word = "\"" + word.filter { $0 != "\"" } + "\"" } else if r < 25 { word = pick(["$v", "${v}", "\"$v\""]) }
        }
        return [word]
    }

    /// Words joined as a user types them: spaces between, none around a newline.
    static func render(_ words: [String]) -> String {
        var out = ""
        for w in words {
            if w == "\n" { out += "\n" } else { out += (out.isEmpty || out.hasSuffix("\n") ? "" : " ") + w }
        }
        return out
    }
}
