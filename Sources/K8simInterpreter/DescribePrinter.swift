import K8simCluster
import K8simManifests
import K8simLanguage
import OrderedCollections

/// `describe`: kubectl's describe layouts, written with tabs and aligned by `TabWriter`.
struct DescribePrinter {
    let cluster: Cluster
    var now: Int64 { cluster.now }

    /// `Thu, 26 Nov 2026 20:40:47 +0000`, from virtual time.
    static func timestamp(_ t: Int64) -> String {
        let rfc = Cluster.rfc3339(t)  // 2026-01-01T00:00:00Z
        let parts = rfc.split(whereSeparator: { "-T:Z".contains($0) }).compactMap { Int($0) }
        guard parts.count == 6 else { return rfc }
        let days = (Cluster.epochSeconds + t / 1000) / 86_400
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][Int(days % 7)]
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][parts[1] - 1]
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(weekday), \(two(parts[2])) \(month) \(parts[0]) \(two(parts[3])):\(two(parts[4])):\(two(parts[5])) +0000"
    }

    static func labels(_ d: OrderedDictionary<String, String>, indent: String = "") -> String {
        if d.isEmpty { return "<none>" }
        return d.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n\(indent)\t")
    }

    static func annotations(_ d: OrderedDictionary<String, String>) -> String {
        if d.isEmpty { return "<none>" }
        return d.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n\t")
    }

    /// The pod template block, as describe and `rollout history --revision` print it.
    static func podTemplate(_ t: PodTemplate, indent: String = "  ") -> String {
        var s = "\(indent)Labels:\t\(labels(t.labels, indent: ""))\n"
        if !t.annotations.isEmpty { s += "\(indent)Annotations:\t\(annotations(t.annotations))\n" }
        s += "\(indent)Containers:\n"
        for c in t.containers {
            s += "\(indent) \(c.name):\n"
            s += "\(indent)  Image:\t\(c.image)\n"
            if let p = c.ports.first {
                s += "\(indent)  Port:\t\(p.containerPort)/\(p.proto)\n"
                s += "\(indent)  Host Port:\t0/\(p.proto)\n"
            } else {
                s += "\(indent)  Port:\t<none>\n\(indent)  Host Port:\t<none>\n"
            }
            if c.cpuMillis > 0 || c.memoryBytes > 0 {
                s += "\(indent)  Requests:\n"
                if c.cpuMillis > 0 { s += "\(indent)    cpu:\t\(Quantities.cpu(c.cpuMillis))\n" }
                if c.memoryBytes > 0 { s += "\(indent)    memory:\t\(Quantities.memory(c.memoryBytes))\n" }
            }
            if !c.envFrom.isEmpty {
                s += "\(indent)  Environment Variables from:\n"
                for f in c.envFrom { s += "\(indent)    \(f)\tConfigMap\tOptional: false\n" }
            }
            if c.env.isEmpty {
                s += "\(indent)  Environment:\t<none>\n"
            } else {
                s += "\(indent)  Environment:\n"
                for e in c.env {
                    if let ref = e.configMapKey {
                        s += "\(indent)    \(e.name):\t<set to the key '\(ref.key)' of config map '\(ref.name)'>\tOptional: false\n"
                    } else {
                        s += "\(indent)    \(e.name):\t\(e.value ?? "")\n"
                    }
                }
            }
            s += "\(indent)  Mounts:\t<none>\n"
        }
        s += "\(indent)Volumes:\t<none>\n\(indent)Node-Selectors:\t<none>\n\(indent)Tolerations:\t<none>\n"
        return s
    }

    func events(for object: String, namespace: String) -> String {
        let list = cluster.events.filter { $0.isAbout(object) && ($0.namespace == namespace || $0.namespace.isEmpty) }
        if list.isEmpty { return "Events:\t<none>\n" }
        var s = "Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n"
        for e in list {
            s += "  \(e.type.rawValue)\t\(e.reason)\t\(HumanDuration.format(now - e.time))\t\(e.source)\t\(e.message)\n"
        }
        return s
    }

    func render(kind: ResourceKind, name: String, namespace: String) -> Result<String, ClusterError> {
        var text: String
        switch kind {
        case .deployment:
            guard let d = cluster.deployment(name, namespace: namespace) else { return .failure(notFound(kind, name)) }
            text = deployment(d)
        case .replicaset:
            guard let r = cluster.replicaSets[ObjectMeta.key(namespace, name)] else { return .failure(notFound(kind, name)) }
            text = replicaSet(r)
        case .pod:
            guard let p = cluster.pod(name, namespace: namespace) else { return .failure(notFound(kind, name)) }
            text = pod(p)
        case .service:
            guard let s = cluster.service(name, namespace: namespace) else { return .failure(notFound(kind, name)) }
            text = service(s)
        case .node:
            guard let n = cluster.nodes[name] else { return .failure(notFound(kind, name)) }
            text = node(n)
        case .configmap:
            guard let c = cluster.configMap(name, namespace: namespace) else { return .failure(notFound(kind, name)) }
            text = "Name:\t\(c.name)\nNamespace:\t\(c.meta.namespace)\nLabels:\t\(Self.labels(c.meta.labels))\nAnnotations:\t<none>\n\nData\n====\n"
                + c.data.map { "\($0.key):\n----\n\($0.value)\n" }.joined(separator: "\n") + "\nBinaryData\n====\n\n" + events(for: "configmap/\(c.name)", namespace: namespace)
        case .endpoints:
            guard let e = cluster.endpoints(name, namespace: namespace) else { return .failure(notFound(kind, name)) }
            text = "Name:\t\(e.name)\nNamespace:\t\(e.meta.namespace)\nLabels:\t\(Self.labels(e.meta.labels))\nAnnotations:\t<none>\nSubsets:\n"
                + "  Addresses:\t\(e.ready.isEmpty ? "<none>" : e.ready.map(\.ip).joined(separator: ","))\n"
                + "  NotReadyAddresses:\t\(e.notReady.isEmpty ? "<none>" : e.notReady.map(\.ip).joined(separator: ","))\n"
                + events(for: "endpoints/\(e.name)", namespace: namespace)
        case .namespace:
            guard let n = cluster.namespaces[name] else { return .failure(notFound(kind, name)) }
            text = "Name:\t\(n.meta.name)\nLabels:\t<none>\nAnnotations:\t<none>\nStatus:\tActive\n\nNo resource quota.\n\nNo LimitRange resource.\n"
        case .event, .all:
            return .failure(.refused("describe takes one object: deployment, replicaset, pod, service, endpoints, node, configmap or namespace"))
        }
        var w = TabWriter.describe()
        w.text(text)
        return .success(w.render())
    }

    func notFound(_ kind: ResourceKind, _ name: String) -> ClusterError {
        .notFound(GetPrinter.resource(kind), name)
    }

    func deployment(_ d: Deployment) -> String {
        let s = d.status
        var t = "Name:\t\(d.name)\nNamespace:\t\(d.meta.namespace)\nCreationTimestamp:\t\(Self.timestamp(d.meta.creationTime))\n"
        t += "Labels:\t\(Self.labels(d.meta.labels))\nAnnotations:\t\(Self.annotations(d.meta.annotations))\n"
        t += "Selector:\t\(GetPrinter.selector(d.spec.selector))\n"
        t += "Replicas:\t\(d.spec.replicas) desired | \(s.updatedReplicas) updated | \(s.replicas) total | \(s.availableReplicas) available | \(s.unavailableReplicas) unavailable\n"
        switch d.spec.strategy {
        case .recreate:
            t += "StrategyType:\tRecreate\nMinReadySeconds:\t\(d.spec.minReadySeconds)\n"
        case .rollingUpdate(let surge, let unavailable):
            t += "StrategyType:\tRollingUpdate\nMinReadySeconds:\t\(d.spec.minReadySeconds)\n"
            t += "RollingUpdateStrategy:\t\(unavailable?.description ?? "0") max unavailable, \(surge?.description ?? "0") max surge\n"
        }
        if d.spec.paused { t += "Paused:\ttrue\n" }
        t += "Pod Template:\n" + Self.podTemplate(d.spec.template)
        if !s.conditions.isEmpty {
            t += "Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n"
            for c in s.conditions { t += "  \(c.type)\t\(c.status.rawValue)\t\(c.reason)\n" }
        }
        let rss = cluster.replicaSets(of: d)
        let newRS = DeploymentUtil.findNewReplicaSet(d.spec, rss)
        let old = rss.filter { $0.meta.uid != newRS?.meta.uid && $0.replicas > 0 || ($0.meta.uid != newRS?.meta.uid && $0.status.replicas > 0) }
        let shownOld = old.isEmpty ? rss.filter { $0.meta.uid != newRS?.meta.uid }.sorted(by: DeploymentUtil.byCreation).suffix(1) : ArraySlice(old)
        t += "OldReplicaSets:\t\(shownOld.isEmpty ? "<none>" : shownOld.map { "\($0.name) (\($0.status.replicas)/\($0.replicas) replicas created)" }.joined(separator: ", "))\n"
        t += "NewReplicaSet:\t\(newRS.map { "\($0.name) (\($0.status.replicas)/\($0.replicas) replicas created)" } ?? "<none>")\n"
        return t + events(for: "deployment/\(d.name)", namespace: d.meta.namespace)
    }

    func replicaSet(_ r: ReplicaSet) -> String {
        var t = "Name:\t\(r.name)\nNamespace:\t\(r.meta.namespace)\nSelector:\t\(GetPrinter.selector(r.selector))\n"
        t += "Labels:\t\(Self.labels(r.meta.labels))\nAnnotations:\t\(Self.annotations(r.meta.annotations))\n"
        if let o = r.meta.owner { t += "Controlled By:\t\(o.kind)/\(o.name)\n" }
        let pods = cluster.pods(of: r)
        t += "Replicas:\t\(r.status.replicas) current / \(r.replicas) desired\n"
        let running = pods.filter { $0.phase == .running && !$0.isTerminating }.count
        let waiting = pods.filter { $0.phase == .pending }.count
        t += "Pods Status:\t\(running) Running / \(waiting) Waiting / 0 Succeeded / 0 Failed\n"
        t += "Pod Template:\n" + Self.podTemplate(r.template)
        return t + events(for: "replicaset/\(r.name)", namespace: r.meta.namespace)
    }

    func pod(_ p: Pod) -> String {
        var t = "Name:\t\(p.name)\nNamespace:\t\(p.meta.namespace)\nPriority:\t0\nService Account:\tdefault\n"
        if let node = p.nodeName, let n = cluster.nodes[node] { t += "Node:\t\(node)/\(n.internalIP)\n" } else { t += "Node:\t<none>\n" }
        if let start = p.startTime { t += "Start Time:\t\(Self.timestamp(start))\n" }
        t += "Labels:\t\(Self.labels(p.meta.labels))\nAnnotations:\t\(Self.annotations(p.meta.annotations))\n"
        t += "Status:\t\(p.isTerminating ? "Terminating (lasts <invalid>)" : p.phase.rawValue)\n"
        t += "IP:\t\(p.podIP ?? "")\n"
        if let o = p.meta.owner { t += "Controlled By:\t\(o.kind)/\(o.name)\n" }
        t += "Containers:\n"
        for (i, c) in p.template.containers.enumerated() {
            t += "  \(c.name):\n    Image:\t\(c.image)\n"
            t += "    Port:\t\(c.ports.first.map { "\($0.containerPort)/\($0.proto)" } ?? "<none>")\n"
            if i < p.containerStatuses.count {
                let cs = p.containerStatuses[i]
                switch cs.state {
                case .waiting(let r, _): t += "    State:\tWaiting\n      Reason:\t\(r)\n"
                case .running(let at): t += "    State:\tRunning\n      Started:\t\(Self.timestamp(at))\n"
                case .terminated(let r, let code, _): t += "    State:\tTerminated\n      Reason:\t\(r)\n      Exit Code:\t\(code)\n"
                }
                t += "    Ready:\t\(cs.ready ? "True" : "False")\n    Restart Count:\t\(cs.restartCount)\n"
            }
        }
        t += "Conditions:\n  Type\tStatus\n  PodScheduled\t\(p.nodeName == nil ? "False" : "True")\n  Ready\t\(p.isReady ? "True" : "False")\n"
        t += "Tolerations:\tnode.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n\tnode.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"
        return t + events(for: "pod/\(p.name)", namespace: p.meta.namespace)
    }

    func service(_ s: Service) -> String {
        var t = "Name:\t\(s.name)\nNamespace:\t\(s.meta.namespace)\nLabels:\t\(Self.labels(s.meta.labels))\nAnnotations:\t<none>\n"
        t += "Selector:\t\(s.spec.selector.map(GetPrinter.selector) ?? "<none>")\nType:\t\(s.spec.type.rawValue)\n"
        t += "IP Family Policy:\tSingleStack\nIP Families:\tIPv4\nIP:\t\(s.clusterIP)\nIPs:\t\(s.clusterIP)\n"
        if let lb = s.loadBalancerIP { t += "LoadBalancer Ingress:\t\(lb) (VIP)\n" }
        let e = cluster.endpoints(s.name, namespace: s.meta.namespace)
        for (i, p) in s.spec.ports.enumerated() {
            t += "Port:\t\(p.name ?? "<unset>")\t\(p.port)/\(p.proto)\n"
            t += "TargetPort:\t\(p.target)/\(p.proto)\n"
            if let np = p.nodePort { t += "NodePort:\t\(p.name ?? "<unset>")\t\(np)/\(p.proto)\n" }
            let addresses = (e?.ready ?? []).map { "\($0.ip):\($0.ports[i])" }
            t += "Endpoints:\t\(addresses.isEmpty ? "" : addresses.joined(separator: ","))\n"
        }
        t += "Session Affinity:\tNone\n"
        if s.spec.type != .clusterIP { t += "External Traffic Policy:\tCluster\n" }
        t += "Internal Traffic Policy:\tCluster\n"
        return t + events(for: "service/\(s.name)", namespace: s.meta.namespace)
    }

    func node(_ n: Node) -> String {
        var t = "Name:\t\(n.name)\nRoles:\t<none>\nLabels:\t\(Self.labels(n.meta.labels))\nAnnotations:\t<none>\n"
        t += "CreationTimestamp:\t\(Self.timestamp(n.meta.creationTime))\n"
        t += "Taints:\t\(n.taints.isEmpty ? "<none>" : n.taints.map { "\($0.key):\($0.effect.rawValue)" }.joined(separator: "\n\t"))\n"
        t += "Unschedulable:\t\(n.unschedulable)\n"
        t += "Conditions:\n  Type\tStatus\tReason\tMessage\n  ----\t------\t------\t-------\n"
        t += "  Ready\t\(n.ready.status.rawValue)\t\(n.ready.reason)\t\(n.ready.message)\n"
        t += "Addresses:\n  InternalIP:\t\(n.internalIP)\n  Hostname:\t\(n.name)\n"
        t += "Capacity:\n  cpu:\t\(Quantities.cpu(n.cpuMillis))\n  memory:\t\(Quantities.memory(n.memoryBytes))\n  pods:\t\(n.maxPods)\n"
        t += "PodCIDR:\t\(n.podCIDRPrefix).0/24\n"
        let pods = cluster.pods(on: n.name)
        t += "Non-terminated Pods:\t(\(pods.filter { !$0.isTerminating }.count) in total)\n"
        if !pods.isEmpty {
            t += "  Namespace\tName\tCPU Requests\tMemory Requests\tAge\n  ---------\t----\t------------\t---------------\t---\n"
            for p in pods where !p.isTerminating {
                t += "  \(p.meta.namespace)\t\(p.name)\t\(p.template.cpuMillis == 0 ? "0 (0%)" : Quantities.cpu(p.template.cpuMillis))\t\(p.template.memoryBytes == 0 ? "0 (0%)" : Quantities.memory(p.template.memoryBytes))\t\(HumanDuration.format(now - p.meta.creationTime))\n"
            }
        }
        return t + events(for: "node/\(n.name)", namespace: "")
    }
}
