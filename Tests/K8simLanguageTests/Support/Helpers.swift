import Foundation
import K8simLanguage

/// The repository's top folder, found from this file's path: the tests read the project's
/// own files (grammar, scripts, golden outputs), never anything outside it.
enum Repo {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ relative: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    /// Every `.k8s` file in the repository, as paths relative to its top.
    static func scripts() -> [String] {
        let skip: Set<String> = [".build", ".git", ".swiftpm"]
        var found: [String] = []
        guard let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        for case let url as URL in e {
            if skip.contains(url.lastPathComponent) || url.lastPathComponent.hasPrefix(".build") {
                e.skipDescendants()
                continue
            }
            if url.pathExtension == "k8s" {
                found.append(String(url.path.dropFirst(root.path.count + 1)))
            }
        }
        return found.sorted()
    }
}

/// The parse of one statement, for table tests.
func parseOne(_ text: String) -> (Statement?, [Diagnostic]) {
    let r = Parser.parse(text)
    return (r.script.statements.first, r.diagnostics)
}

/// `line:col: message` for each diagnostic, the shape table tests compare.
func brief(_ text: String) -> [String] {
    let r = Parser.parse(text)
    return r.diagnostics.map { d in
        let loc = r.source.location(of: d.range.start)
        return "\(loc.line):\(loc.column): \(d.message)"
    }
}
