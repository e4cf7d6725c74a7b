import K8simLanguage

/// `help` and `help STATEMENT`, from the statement table: each statement's syntax, what it
/// does and an example.
enum Help {
    static func text(topic: String?) -> String {
        if let topic, let spec = StatementTable.spec(named: topic) {
            return "\(spec.syntax)\n  \(spec.summary)\n  example: \(spec.example)"
        }
        var out = topic.map { "no help for '\($0)'\n" } ?? ""
        out += "statements (help NAME for the syntax):\n"
        let width = StatementTable.all.map(\.name.count).max() ?? 0
        for spec in StatementTable.all {
            out += "  " + spec.name + String(repeating: " ", count: width - spec.name.count + 2) + spec.summary + "\n"
        }
        return out + "keys: Tab completes, Up/Down recall history, Ctrl-C drops the line, Ctrl-D quits"
    }
}
