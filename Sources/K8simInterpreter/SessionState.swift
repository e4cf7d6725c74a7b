import Foundation
import K8simCluster
import K8simLanguage

/// `save FILE` / `load FILE`: a whole session (the cluster with its clock and pending work,
/// the variables, the clock mode, the seed) as versioned JSON, so an hour's work survives a
/// restart.
struct SavedSession: Codable {
    static let currentFormat = "k8sim-session/3"

    var format: String
    var cluster: Cluster
    var variables: [String: String]
    var manualClock: Bool
    var seed: UInt64
}

extension Session {
    func save(_ path: String, range: SourceRange) throws(RuntimeError) {
        let full = resolvePath(path)
        if let refusal = filePolicy?.refusalToWrite(full) { throw RuntimeError(refusal, at: range) }
        guard let writeFile else {
            throw RuntimeError("this session may not write files", at: range, hint: "the host did not allow writing")
        }
        let state = SavedSession(format: SavedSession.currentFormat, cluster: cluster, variables: variables,
                                 manualClock: clockMode == .manual, seed: options.seed)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(state), writeFile(full, String(decoding: data, as: UTF8.self)) else {
            throw RuntimeError("cannot write '\(full)'", at: range)
        }
        say("saved the session to \(full) (\(cluster.nodes.count) nodes, \(cluster.pods.count) pods, time \(HumanDuration.format(cluster.now)))")
    }

    func load(_ path: String, range: SourceRange) throws(RuntimeError) {
        let full = resolvePath(path)
        if let refusal = filePolicy?.refusalToRead(full) { throw RuntimeError(refusal, at: range) }
        guard let text = readFile(full) else { throw RuntimeError("cannot read '\(path)'", at: range) }
        struct Header: Decodable { var format: String }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(text.utf8)) else {
            throw RuntimeError("'\(path)' is not a saved k8sim session", at: range, hint: "save one with: save FILE")
        }
        guard header.format == SavedSession.currentFormat else {
            throw RuntimeError("'\(path)' is a session in format \(header.format); this k8sim reads \(SavedSession.currentFormat)", at: range)
        }
        let state: SavedSession
        do {
            state = try JSONDecoder().decode(SavedSession.self, from: Data(text.utf8))
        } catch {
            throw RuntimeError("'\(path)' is damaged: \(error)", at: range)
        }
        cluster = state.cluster
        cluster.tracing = options.trace
        variables = state.variables
        clockMode = state.manualClock ? .manual : .auto
        options.seed = state.seed
        samples = [:]
        traceShown = cluster.trace.count
        say("loaded the session from \(full) (\(cluster.nodes.count) nodes, \(cluster.pods.count) pods, time \(HumanDuration.format(cluster.now)))")
    }
}
