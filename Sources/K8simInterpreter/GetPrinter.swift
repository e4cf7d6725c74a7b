import K8simCluster
import K8simManifests
import K8simLanguage
import OrderedCollections

/// `get`: kubectl's tables (and `-o wide|yaml|json`) for each kind.
struct GetPrinter {
    let cluster: Cluster
    var now: Int64 { cluster.now }

    struct Query {
        var kind: ResourceKind
        var name: String?
        var selector: [KeyValue]?
        var namespace: String?  // nil: all namespaces
        var output: OutputForm?
    }

    enum Failure: Error {
        case notFound(ClusterError)
        case none(String)
    }

    func age(_ t: Int64) -> String { HumanDuration.format(now - t) }

    func matches(_ labels: OrderedDictionary<String, String>, _ q: Query) -> Bool {
        (q.selector ?? []).allSatisfy { labels[$0.key] == $0.value }
    }

    func inScope(_ ns: String, _ q: Query) -> Bool { q.namespace == nil || ns == q.namespace }

    /// The printed result, or the message kubectl would give on stderr.
    func render(_ q: Query) -> Result<String, Failure> {
        if q.kind == .all { return renderAll(q) }
        let rows = objects(q)
        if let name = q.name, rows.isEmpty {
            return .failure(.notFound(.notFound(Self.resource(q.kind), name)))
        }
        if rows.isEmpty {
            return .failure(.none(q.namespace.map { "No resources found in \($0) namespace." } ?? "No resources found"))
        }
        switch q.output {
        case .yaml: return .success(trees(rows, q).yaml)
        case .json: return .success(trees(rows, q).json)
        default: return .success(table(rows, q, prefix: false))
        }
    }

    static func resource(_ k: ResourceKind) -> String {
        switch k {
        case .deployment: return "deployments.apps"
        case .replicaset: return "replicasets.apps"
        case .pod: return "pods"
        case .service: return "services"
        case .endpoints: return "endpoints"
        case .node: return "nodes"
        case .event: return "events"
        case .configmap: return "configmaps"
        case .namespace: return "namespaces"
        case .all: return "all"
        }
    }

    enum Row {
        case pod(Pod), deployment(Deployment), replicaSet(ReplicaSet), service(Service), endpoints(Endpoints)
        case node(Node), event(Event), configMap(ConfigMap), namespace(Namespace)
    }

    func objects(_ q: Query) -> [Row] {
        func keep(_ m: ObjectMeta) -> Bool {
            (q.name == nil || m.name == q.name) && inScope(m.namespace, q) && matches(m.labels, q)
        }
        let byName: (ObjectMeta, ObjectMeta) -> Bool = { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        switch q.kind {
        case .pod: return cluster.pods.values.filter { keep($0.meta) }.sorted { byName($0.meta, $1.meta) }.map(Row.pod)
        case .deployment: return cluster.deployments.values.filter { keep($0.meta) }.sorted { byName($0.meta, $1.meta) }.map(Row.deployment)
        case .replicaset: return cluster.replicaSets.values.filter { keep($0.meta) }.sorted { byName($0.meta, $1.meta) }.map(Row.replicaSet)
        case .service: return cluster.services.values.filter { keep($0.meta) }.sorted { byName($0.meta, $1.meta) }.map(Row.service)
        case .endpoints: return cluster.endpointsByService.values.filter { keep($0.meta) }.sorted { byName($0.meta, $1.meta) }.map(Row.endpoints)
        case .node: return cluster.nodes.values.filter { (q.name == nil || $0.name == q.name) && matches($0.meta.labels, q) }.sorted { $0.name < $1.name }.map(Row.node)
        case .configmap: return cluster.configMaps.values.filter { keep($0.meta) }.sorted { byName($0.meta, $1.meta) }.map(Row.configMap)
        case .namespace: return cluster.namespaces.values.filter { q.name == nil || $0.meta.name == q.name }.sorted { $0.meta.name < $1.meta.name }.map(Row.namespace)
        case .event:
            return cluster.events.filter { inScope($0.namespace.isEmpty ? "default" : $0.namespace, q) }
                .enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map { Row.event($0.element) }
        case .all: return []
        }
    }

    func renderAll(_ q: Query) -> Result<String, Failure> {
        var sections: [String] = []
        for kind in [ResourceKind.pod, .service, .deployment, .replicaset] {
            var sub = q
            sub.kind = kind
            let rows = objects(sub)
            if !rows.isEmpty { sections.append(table(rows, sub, prefix: true)) }
        }
        if sections.isEmpty { return .failure(.none(q.namespace.map { "No resources found in \($0) namespace." } ?? "No resources found")) }
        return .success(sections.joined(separator: "\n"))
    }

    func trees(_ rows: [Row], _ q: Query) -> Tree {
        let items = rows.map(tree)
        if q.name != nil, items.count == 1 { return items[0] }
        return Tree.object([("apiVersion", .string("v1")), ("items", .list(items)), ("kind", .string("List")),
                            ("metadata", .map([("resourceVersion", .string(""))]))])
    }

    func tree(_ row: Row) -> Tree {
        switch row {
        case .pod(let p): return ObjectTrees.pod(p)
        case .deployment(let d): return ObjectTrees.deployment(d)
        case .replicaSet(let r): return ObjectTrees.replicaSet(r)
        case .service(let s): return ObjectTrees.service(s)
        case .endpoints(let e): return ObjectTrees.endpoints(e, cluster.services[e.meta.key])
        case .node(let n): return ObjectTrees.node(n)
        case .configMap(let c): return ObjectTrees.configMap(c)
        case .namespace(let n): return Tree.object([("apiVersion", .string("v1")), ("kind", .string("Namespace")), ("metadata", ObjectTrees.metadata(n.meta)),
                                                    ("status", Tree.object([("phase", .string("Active"))]))])
        case .event(let e): return Tree.object([("apiVersion", .string("v1")), ("kind", .string("Event")), ("reason", .string(e.reason)),
                                                ("message", .string(e.message)), ("type", .string(e.type.rawValue)),
                                                ("involvedObject", .string(e.object)), ("lastTimestamp", .string(Cluster.rfc3339(e.time)))])
        }
    }

    func table(_ rows: [Row], _ q: Query, prefix: Bool) -> String {
        let wide = q.output == .wide
        let showNamespace = q.namespace == nil && q.kind != .node && q.kind != .namespace
        guard let first = rows.first else { return "" }
        var header: [String]
        switch first {
        case .pod: header = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"] + (wide ? ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"] : [])
        case .deployment: header = ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"] + (wide ? ["CONTAINERS", "IMAGES", "SELECTOR"] : [])
        case .replicaSet: header = ["NAME", "DESIRED", "CURRENT", "READY", "AGE"] + (wide ? ["CONTAINERS", "IMAGES", "SELECTOR"] : [])
        case .service: header = ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"] + (wide ? ["SELECTOR"] : [])
        case .endpoints: header = ["NAME", "ENDPOINTS", "AGE"]
        case .node: header = ["NAME", "STATUS", "ROLES", "AGE", "VERSION"] + (wide ? ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"] : [])
        case .event: header = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
        case .configMap: header = ["NAME", "DATA", "AGE"]
        case .namespace: header = ["NAME", "STATUS", "AGE"]
        }
        if showNamespace { header.insert("NAMESPACE", at: 0) }
        var t = TabWriter.table()
        t.line(header)
        for row in rows {
            var cells = self.cells(row, wide: wide)
            if prefix { cells[0] = "\(Self.prefix(row))/\(cells[0])" }
            if showNamespace { cells.insert(Self.namespace(row), at: 0) }
            t.line(cells)
        }
        return t.render()
    }

    static func prefix(_ row: Row) -> String {
        switch row {
        case .pod: return "pod"
        case .deployment: return "deployment.apps"
        case .replicaSet: return "replicaset.apps"
        case .service: return "service"
        case .endpoints: return "endpoints"
        case .node: return "node"
        case .event: return "event"
        case .configMap: return "configmap"
        case .namespace: return "namespace"
        }
    }

    static func namespace(_ row: Row) -> String {
        switch row {
        case .pod(let p): return p.meta.namespace
        case .deployment(let d): return d.meta.namespace
        case .replicaSet(let r): return r.meta.namespace
        case .service(let s): return s.meta.namespace
        case .endpoints(let e): return e.meta.namespace
        case .event(let e): return e.namespace
        case .configMap(let c): return c.meta.namespace
        case .node, .namespace: return ""
        }
    }

    static func selector(_ d: OrderedDictionary<String, String>) -> String {
        d.isEmpty ? "<none>" : d.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    func cells(_ row: Row, wide: Bool) -> [String] {
        switch row {
        case .pod(let p):
            let ready = p.containerStatuses.filter(\.ready).count
            var restarts = "\(p.restarts)"
            if let last = p.containerStatuses.compactMap(\.lastRestartAt).max(), p.restarts > 0 { restarts += " (\(age(last)) ago)" }
            var c = [p.name, "\(ready)/\(p.template.containers.count)", p.displayStatus, restarts, age(p.meta.creationTime)]
            if wide { c += [p.podIP ?? "<none>", p.nodeName ?? "<none>", "<none>", "<none>"] }
            return c
        case .deployment(let d):
            var c = [d.name, "\(d.status.readyReplicas)/\(d.spec.replicas)", "\(d.status.updatedReplicas)", "\(d.status.availableReplicas)", age(d.meta.creationTime)]
            if wide {
                c += [d.spec.template.containers.map(\.name).joined(separator: ","), d.spec.template.containers.map(\.image).joined(separator: ","),
                      Self.selector(d.spec.selector)]
            }
            return c
        case .replicaSet(let r):
            var c = [r.name, "\(r.replicas)", "\(r.status.replicas)", "\(r.status.readyReplicas)", age(r.meta.creationTime)]
            if wide {
                c += [r.template.containers.map(\.name).joined(separator: ","), r.template.containers.map(\.image).joined(separator: ","),
                      Self.selector(r.selector)]
            }
            return c
        case .service(let s):
            let external: String
            switch s.spec.type {
            case .loadBalancer: external = s.loadBalancerIP ?? "<pending>"
            default: external = "<none>"
            }
            let ports = s.spec.ports.map { p in p.nodePort.map { "\(p.port):\($0)/\(p.proto)" } ?? "\(p.port)/\(p.proto)" }.joined(separator: ",")
            var c = [s.name, s.spec.type.rawValue, s.clusterIP, external, ports.isEmpty ? "<none>" : ports, age(s.meta.creationTime)]
            if wide { c.append(s.spec.selector.map(Self.selector) ?? "<none>") }
            return c
        case .endpoints(let e):
            return [e.name, Self.endpointsCell(e), age(e.meta.creationTime)]
        case .node(let n):
            var status = n.isReady ? "Ready" : "NotReady"
            if n.unschedulable { status += ",SchedulingDisabled" }
            var c = [n.name, status, "<none>", age(n.meta.creationTime), "v1.36.1"]
            if wide { c += [n.internalIP, "<none>", "Ubuntu 24.04 LTS", "6.8.0-k8sim", "containerd://1.7.27"] }
            return c
        case .event(let e):
            return [age(e.time), e.type.rawValue, e.reason, e.object, e.message]
        case .configMap(let cm):
            return [cm.name, "\(cm.data.count)", age(cm.meta.creationTime)]
        case .namespace(let n):
            return [n.meta.name, "Active", age(n.meta.creationTime)]
        }
    }

    /// At most three `ip:port`, then ` + N more...`; `<none>` with no addresses at all.
    static func endpointsCell(_ e: Endpoints) -> String {
        if e.ready.isEmpty && e.notReady.isEmpty { return "<none>" }
        let all = e.ready.flatMap { a in a.ports.map { "\(a.ip):\($0)" } }
        if all.isEmpty { return "" }
        let shown = all.prefix(3).joined(separator: ",")
        return all.count > 3 ? "\(shown) + \(all.count - 3) more..." : shown
    }
}
