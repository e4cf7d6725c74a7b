import OrderedCollections

/// What the store tells the controllers when something is written. Each controller learns of
/// changes only through these, as upstream's informers deliver watch events, and none calls
/// another: a controller writes objects and says what it wrote; the others react in their
/// `observe` functions (the Endpoints controller and MetalLB share the Services' queue).
/// Events are delivered at once, in the order the writes happen.
enum WatchEvent {
    /// A Deployment's spec was created or changed (by the API).
    case deploymentWritten(key: String)
    /// A ReplicaSet was created, resized or re-annotated.
    case replicaSetWritten(key: String)
    /// The ReplicaSet controller wrote a ReplicaSet's status (after every sync of it).
    case replicaSetSynced(namespace: String, owner: OwnerReference?)
    /// A ReplicaSet was deleted.
    case replicaSetDeleted(key: String, namespace: String, owner: OwnerReference?)
    /// A Deployment was deleted.
    case deploymentDeleted(key: String)
    /// A pod was created, not yet bound to a node.
    case podCreated(key: String)
    /// A pod's readiness or existence changed; `ip` is its address when it may be gone by the
    /// time others look.
    case podChanged(ObjectMeta, ip: String?)
    /// A pod's containers started and it is ready.
    case podReady(ObjectMeta)
    /// A pod is being deleted (or went before it was bound).
    case podTerminating(key: String)
    /// The scheduler bound a pod to the node at this position of `nodes`.
    case podBound(PodBinding)
    /// A pod went, or a node came or was uncordoned: there may be room for waiting pods.
    case capacityFreed
    /// A node's kubelet stopped posting status.
    case nodeFailed(name: String)
    /// A failed node's kubelet posts status again.
    case nodeRecovered(name: String)
    /// A ConfigMap was created.
    case configMapCreated(namespace: String)
    /// A Service was created or changed.
    case serviceWritten(key: String)
    /// A Service was deleted.
    case serviceDeleted(key: String)
    /// MetalLB's address pools were set.
    case addressPoolsChanged
}

/// A pod just bound, with what its watchers need of it (read once, in the bind).
struct PodBinding {
    var key: String
    var uid: Int
    var name: String
    var namespace: String
    var labels: OrderedDictionary<String, String>
    var template: PodTemplate
    var node: String
    /// The node's position in `nodes` at the bind (no watcher adds or removes nodes on a bind).
    var nodeAt: Int
}

extension Cluster {
    /// Delivers an event to every controller: this list is their registration, and its order
    /// is the order in which they hear of each change. Inlined, so that at each place an event
    /// is emitted only the handlers of its kind remain (a bind is on the path of every pod).
    @inline(__always) mutating func emit(_ event: WatchEvent) {
        endpointsControllerObserve(event)
        metalLBObserve(event)
        replicaSetControllerObserve(event)
        deploymentControllerObserve(event)
        kubeletObserve(event)
        schedulerObserve(event)
    }
}
