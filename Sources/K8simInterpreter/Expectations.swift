import K8simNotation
import K8simCluster
import K8simLanguage

/// `expect`: a tutorial's checks over cluster state, responses and errors.
extension Session {
    func expect(_ e: Expectation, range: SourceRange) throws(RuntimeError) {
        let (ok, description, found) = try check(e, range: range)
        if ok {
            expectationsPassed += 1
            if options.showExpectations { say((options.color ? "\u{1B}[32m✓\u{1B}[0m " : "✓ ") + description) }
            return
        }
        expectationsFailed += 1
        var error = RuntimeError("expectation failed: expected \(description), found \(found)", at: range)
        error.isExpectation = true
        throw error
    }

    func check(_ e: Expectation, range: SourceRange) throws(RuntimeError) -> (Bool, String, String) {
        switch e {
        case .podCount(let pc):
            let selector = try pc.selector.map { (s) throws(RuntimeError) in try value(s, Words.selector) } ?? []
            let node = try pc.node.map { (n) throws(RuntimeError) in try name(n) }
            let want = try count(pc.count)
            let pods = cluster.pods(matching: selector.map { ($0.key, $0.value) }).filter { p in
                if let node, p.nodeName != node { return false }
                switch pc.state {
                case nil: return !p.isTerminating
                case .running?: return !p.isTerminating && p.displayStatus == "Running"
                case .pending?: return !p.isTerminating && p.phase == .pending
                case .ready?: return p.isReady
                case .notready?: return !p.isTerminating && !p.isReady
                case .terminating?: return p.isTerminating
                case .failed?: return p.phase == .failed || ["ErrImagePull", "ImagePullBackOff", "CrashLoopBackOff", "CreateContainerConfigError"].contains(p.displayStatus)
                }
            }
            var what = "\(want) pod\(want == 1 ? "" : "s")"
            if let s = pc.state { what += " \(s.rawValue)" }
            if !selector.isEmpty { what += " where \(selector.map(\.description).joined(separator: ","))" }
            if let node { what += " on \(node)" }
            return (pods.count == want, what, "\(pods.count)")
        case .property(let k, let n, let property, let v):
            let kind = try value(k, Words.kind)
            let name = try name(n)
            let wanted = try v.map { (w) throws(RuntimeError) in try expand(w) }
            let actual = self.property(kind, name, property)
            let what = "\(kind.singular) \(name) \(property.rawValue)\(wanted.map { " \($0)" } ?? "")"
            switch property {
            case .exists: return (actual != nil, what, "none")
            case .missing: return (actual == nil, what, "it exists")
            default:
                guard let actual else { return (false, what, "no \(kind.singular) \(name)") }
                return (actual == wanted, what, actual)
            }
        case .curl(let c, let outcome, let text):
            let target = try value(c.target, Words.target)
            let from = try c.from.map { (f) throws(RuntimeError) in try name(f) }
            let times = try c.times.map { (t) throws(RuntimeError) in try count(t) } ?? 1
            let wanted = try text.map { (t) throws(RuntimeError) in try expand(t) }
            var what = "curl \(target)\(from.map { " from \($0)" } ?? "") \(outcome.rawValue)"
            if let wanted { what += " with \"\(wanted)\"" }
            for _ in 0..<max(1, times) {
                let result = cluster.request(host: target.host, port: target.port, from: from)
                switch (result, outcome) {
                case (.success(let r), .answers):
                    if let wanted, !r.body.contains(wanted) { return (false, what, "\"\(r.body)\"") }
                case (.failure(let f), .answers):
                    return (false, what, Self.curlError(f))
                case (.success(let r), .fails):
                    return (false, what, "an answer from \(r.pod): \"\(r.body)\"")
                case (.failure(let f), .fails):
                    if let wanted, !f.message.contains(wanted) { return (false, what, Self.curlError(f)) }
                }
            }
            return (true, what, "")
        case .resolve(let r, let address):
            let host = try expand(r.name)
            let ip = cluster.resolve(host)
            let wanted = try address.map { (a) throws(RuntimeError) in try expand(a) }
            if let wanted {
                // A name instead of an address means that service's cluster IP.
                if IPv4.parse(Substring(wanted)) == nil {
                    let serviceIP = cluster.service(wanted)?.clusterIP
                    return (ip != nil && ip == serviceIP, "\(host) to resolve to the cluster IP of service \(wanted)\(serviceIP.map { " (\($0))" } ?? "")", ip ?? "NXDOMAIN")
                }
                return (ip == wanted, "\(host) to resolve to \(wanted)", ip ?? "NXDOMAIN")
            }
            return (ip == nil, "\(host) not to resolve", ip ?? "")
        case .error(let text, let body):
            let wanted = try text.map { (t) throws(RuntimeError) in try expand(t) }
            let what = "an error\(wanted.map { " with \"\($0)\"" } ?? "")"
            for statement in body {
                do {
                    try execute(statement)
                } catch {
                    if error.isExpectation { throw error }
                    if let wanted, !error.message.contains(wanted) { return (false, what, "\"\(error.message)\"") }
                    return (true, what, "")
                }
            }
            return (false, what, "no error")
        case .event(let t):
            let text = try expand(t)
            return (cluster.events.contains { $0.message.contains(text) }, "an event with \"\(text)\"", "none")
        }
    }

    /// A property as text, or nil when there is no such object.
    func property(_ kind: ResourceKind, _ name: String, _ p: ObjectProperty) -> String? {
        switch kind {
        case .deployment:
            guard let d = cluster.deployment(name) else { return nil }
            switch p {
            case .replicas: return "\(d.spec.replicas)"
            case .ready: return "\(d.status.readyReplicas)"
            case .updated: return "\(d.status.updatedReplicas)"
            case .available: return "\(d.status.availableReplicas)"
            case .image: return d.spec.template.containers.first?.image ?? ""
            case .revision: return d.meta.annotations[DeploymentUtil.revisionAnnotation] ?? "0"
            case .paused: return d.spec.paused ? "true" : "false"
            default: return ""
            }
        case .replicaset:
            guard let r = cluster.replicaSets["default/\(name)"] else { return nil }
            switch p {
            case .replicas: return "\(r.replicas)"
            case .ready: return "\(r.status.readyReplicas)"
            case .available: return "\(r.status.availableReplicas)"
            case .image: return r.template.containers.first?.image ?? ""
            case .revision: return r.meta.annotations[DeploymentUtil.revisionAnnotation] ?? "0"
            default: return ""
            }
        case .service:
            guard let s = cluster.service(name) else { return nil }
            switch p {
            case .type: return s.spec.type.rawValue
            case .clusterIP: return s.clusterIP
            case .externalIP: return s.spec.type == .loadBalancer ? (s.loadBalancerIP ?? "<pending>") : "<none>"
            case .nodePort: return s.spec.ports.first?.nodePort.map { "\($0)" } ?? "<none>"
            case .endpoints: return "\(cluster.endpoints(name)?.ready.count ?? 0)"
            default: return ""
            }
        case .endpoints:
            guard let e = cluster.endpoints(name) else { return nil }
            return "\(e.ready.count)"
        case .pod:
            guard let pod = cluster.pod(name) else { return nil }
            switch p {
            case .status: return pod.displayStatus
            case .node: return pod.nodeName ?? "<none>"
            case .ready: return pod.isReady ? "true" : "false"
            case .restarts: return "\(pod.restarts)"
            case .image: return pod.template.containers.first?.image ?? ""
            default: return ""
            }
        case .node:
            guard let n = cluster.nodes[name] else { return nil }
            var status = n.isReady ? "Ready" : "NotReady"
            if n.unschedulable { status += ",SchedulingDisabled" }
            return status
        case .configmap:
            guard let c = cluster.configMap(name) else { return nil }
            return c.data.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        case .namespace:
            return cluster.namespaces[name] == nil ? nil : "Active"
        case .event, .all:
            return nil
        }
    }
}
