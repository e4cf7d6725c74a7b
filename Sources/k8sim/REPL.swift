import Foundation
import K8simInterpreter
import K8simLanguage
import K8simLineEditor
import K8simNotation

/// The read-eval-print loop: a prompt with the virtual time, history across runs, completion,
/// a continuation prompt for unfinished input, Ctrl-C to drop a line, Ctrl-D to leave.
struct REPL {
    let session: Session

    static var historyPath: String {
        let env = ProcessInfo.processInfo.environment
        if let path = env["K8SIM_HISTORY"], !path.isEmpty { return path }
        return (env["HOME"] ?? NSHomeDirectory()) + "/.k8sim_history"
    }

    func run() {
        let session = self.session
        let completer: Completer = { line in
            let (candidates, replacing) = Completion.candidates(for: line, in: session.cluster)
            return (candidates, replacing)
        }
        let reader: LineReader = LibEditLineReader(programName: "k8sim", historyPath: Self.historyPath, completer: completer)
            ?? PlainLineReader()
        session.pauseHandler = { _ = reader.readLine(prompt: "(Enter to go on) ") }
        print("k8sim: a Kubernetes cluster of \(session.cluster.nodes.count) nodes in memory. Type help for the statements, Ctrl-D to leave.")
        var buffer = ""
        var line = 0
        while !session.quitRequested {
            let time = DurationText.format(session.cluster.now, milliseconds: false)
            let prompt = buffer.isEmpty ? "k8sim [\(time)]> " : "...> "
            switch reader.readLine(prompt: prompt) {
            case .end:
                if !buffer.isEmpty { print("") }
                return
            case .interrupted:
                buffer = ""
                continue
            case .line(let text):
                buffer += buffer.isEmpty ? text : "\n" + text
                let result = Parser.parse(buffer, name: "repl")
                if result.isIncomplete && !result.diagnostics.contains(where: { $0.problem != .unclosedBrace && $0.problem != .unclosedString && $0.problem != .trailingBackslash }) {
                    continue
                }
                line += 1
                reader.remember(buffer)
                session.run(buffer, name: "repl")
                buffer = ""
            }
        }
    }
}
