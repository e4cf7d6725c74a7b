/// A problem found in a script, as data: what, where, and what to do about it.
/// Rendering is separate (`DiagnosticRenderer`), so tests compare values, not strings.
public struct Diagnostic: Hashable, Sendable {
    public enum Severity: String, Hashable, Sendable {
        case error
        case warning
        case note
    }

    public struct Note: Hashable, Sendable {
        public var message: String
        public var range: SourceRange?
        public init(_ message: String, at range: SourceRange? = nil) {
            self.message = message
            self.range = range
        }
    }

    public var severity: Severity
    public var problem: Problem
    public var range: SourceRange
    public var notes: [Note]
    public var hint: String?

    public init(_ problem: Problem, at range: SourceRange, severity: Severity = .error,
                notes: [Note] = [], hint: String? = nil) {
        self.severity = severity
        self.problem = problem
        self.range = range
        self.notes = notes
        self.hint = hint ?? problem.defaultHint
    }

    public var message: String { problem.message }
}

/// Every front-end problem, with all wording in one place so messages stay consistent.
public enum Problem: Hashable, Sendable {
    case unclosedString
    case trailingBackslash
    case badVariableReference
    case unknownEscape(String)
    case unknownStatement(String)
    case expected(String, found: String)
    case unknownOption(String, of: String)
    case duplicateOption(String)
    case conflictingOptions(String, String)
    case badWord(WordType, found: String)
    case outOfRange(WordType, found: String, limit: String)
    case extraArgument(String)
    case unclosedBrace
    case unmatchedBrace
    case kubectlUnsupportedVerb(String)
    case kubectlUnsupportedFlag(String, verb: String)
    case kubectlNeeds(String, verb: String)
    /// An error from running a statement (the cluster's or kubectl's words).
    case runtime(String)

    public var message: String {
        switch self {
        case .unclosedString:
            return "unclosed string: expected '\"' before the end of the input"
        case .trailingBackslash:
            return "a '\\' at the end of the input continues a line that never comes"
        case .badVariableReference:
            return "a '${' reference needs a name and a closing '}'"
        case .unknownEscape(let e):
            return "unknown escape '\\\(e)' in a string"
        case .unknownStatement(let w):
            return "unknown statement '\(w)'"
        case .expected(let what, let found):
            return "expected \(what), found \(found)"
        case .unknownOption(let w, let statement):
            return "'\(w)' is not an option of \(statement)"
        case .duplicateOption(let w):
            return "'\(w)' is given twice"
        case .conflictingOptions(let a, let b):
            return "'\(a)' and '\(b)' cannot be used together"
        case .badWord(let type, let found):
            return "expected \(type.descriptionWithExample), found '\(found)'"
        case .outOfRange(let type, let found, let limit):
            return "\(type.name) '\(found)' is out of range: \(limit)"
        case .extraArgument(let w):
            return "unexpected '\(w)' after the end of the statement"
        case .unclosedBrace:
            return "unclosed '{': expected '}' before the end of the input"
        case .unmatchedBrace:
            return "'}' without a matching '{'"
        case .kubectlUnsupportedVerb(let v):
            return "k8sim does not support 'kubectl \(v)'"
        case .kubectlUnsupportedFlag(let f, let verb):
            return "k8sim does not support the flag '\(f)' of 'kubectl \(verb)'"
        case .kubectlNeeds(let what, let verb):
            return "'kubectl \(verb)' needs \(what)"
        case .runtime(let message):
            return message
        }
    }

    var defaultHint: String? {
        switch self {
        case .unknownEscape:
            return "escapes are \\\" \\\\ \\n \\t and \\$"
        case .badVariableReference:
            return "write ${name}, or \\$ inside quotes for a literal dollar sign"
        case .unclosedBrace:
            return "close the block with '}'"
        case .kubectlUnsupportedVerb:
            return "supported: " + KubectlVerbs.supported.joined(separator: ", ")
        default:
            return nil
        }
    }
}

/// The types a word can be checked against, each with an example for error messages.
public enum WordType: String, Hashable, Sendable, CaseIterable {
    case count, duration, quantity, intOrPercent, labelPair, envPair, dataPair, port
    case nodePort, target, ipRange, image, name, selector, kind, revision

    public var name: String {
        switch self {
        case .count: return "count"
        case .duration: return "duration"
        case .quantity: return "quantity"
        case .intOrPercent: return "count or percentage"
        case .labelPair: return "label"
        case .envPair: return "environment variable"
        case .dataPair: return "key=value pair"
        case .port: return "port"
        case .nodePort: return "node port"
        case .target: return "target"
        case .ipRange: return "address range"
        case .image: return "image"
        case .name: return "name"
        case .selector: return "selector"
        case .kind: return "kind"
        case .revision: return "revision"
        }
    }

    public var descriptionWithExample: String {
        switch self {
        case .count: return "a count such as 4"
        case .duration: return "a duration such as 30s or 2m"
        case .quantity: return "a quantity such as 500m, 2 or 128Mi"
        case .intOrPercent: return "a count or percentage such as 3 or 25%"
        case .labelPair: return "a label such as app=echo"
        case .envPair: return "an environment variable such as REDIS_HOST=redis"
        case .dataPair: return "a key=value pair such as mode=fast"
        case .port: return "a port such as 8080"
        case .nodePort: return "a node port such as 31000"
        case .target: return "a target such as n1:31000, 10.64.140.43:30000 or redis:6379"
        case .ipRange: return "an address range such as 10.64.140.43-10.64.140.49"
        case .image: return "an image such as v1, redis or ghcr.io/subicura/echo:v1"
        case .name: return "a name such as echo-deploy (lowercase letters, digits, '-' and '.')"
        case .selector: return "a selector such as app=echo,tier=web"
        case .kind: return "a kind such as pods, deployments or services"
        case .revision: return "a revision such as 2"
        }
    }
}
