/// An error the cluster gives, as a value: what happened and to which object. Its text is
/// rendered here and nowhere else, in the API server's words (and kubectl's, through
/// `kubectlText`); callers decide what to do from `reason`, never from the text.
public struct ClusterError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// `deployments.apps "echo" not found` (StatusReasonNotFound).
        case notFound(resource: String, name: String)
        /// `nodes "n1" already exists` (StatusReasonAlreadyExists).
        case alreadyExists(resource: String, name: String)
        /// `The Deployment "echo" is invalid: spec.replicas: Invalid value: -1: ...`
        /// (StatusReasonInvalid, one field error: its path and what is wrong with it).
        case invalid(kind: String, name: String, field: String, detail: String)
        /// A request refused with a message of its own: kubectl's client-side checks (`unable
        /// to find container named "x"`), the kubelet's, or k8sim's where it models no more.
        case refused(String)
    }

    public var reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    public static func notFound(_ resource: String, _ name: String) -> ClusterError { ClusterError(.notFound(resource: resource, name: name)) }

    public static func alreadyExists(_ resource: String, _ name: String) -> ClusterError {
        ClusterError(.alreadyExists(resource: resource, name: name))
    }

    public static func invalid(_ kind: String, _ name: String, field: String, _ detail: String) -> ClusterError {
        ClusterError(.invalid(kind: kind, name: name, field: field, detail: detail))
    }

    public static func refused(_ message: String) -> ClusterError { ClusterError(.refused(message)) }

    /// The message, as the API server's Status carries it.
    public var message: String {
        switch reason {
        case .notFound(let resource, let name): "\(resource) \"\(name)\" not found"
        case .alreadyExists(let resource, let name): "\(resource) \"\(name)\" already exists"
        case .invalid(let kind, let name, let field, let detail): "The \(kind) \"\(name)\" is invalid: \(field): \(detail)"
        case .refused(let message): message
        }
    }

    /// As kubectl prints it (`Error from server (NotFound): ...`, cmdutil.CheckErr's
    /// StandardErrorMessage in kubectl/pkg/cmd/util/helpers.go); an invalid object's message is
    /// printed as the server sent it.
    public var kubectlText: String {
        switch reason {
        case .notFound: "Error from server (NotFound): \(message)"
        case .alreadyExists: "Error from server (AlreadyExists): \(message)"
        case .invalid, .refused: message
        }
    }

    public var description: String { message }

    /// The same error about an object of another kind (a bare ReplicaSet is validated as a
    /// Deployment's spec is, and named as itself).
    public func about(kind newKind: String) -> ClusterError {
        guard case .invalid(_, let name, let field, let detail) = reason else { return self }
        return .invalid(newKind, name, field: field, detail)
    }
}
