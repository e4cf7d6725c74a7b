import Foundation
import K8simCluster
import K8simLanguage
import K8simManifests
import OrderedCollections

/// Where each statement runs: one case per statement, calling the cluster model and printing
/// what kubectl (or microk8s, curl, nslookup) would print.
extension Session {
    func perform(_ s: Statement) throws(RuntimeError) {
        let r = s.range
        /// Runs a cluster request; a "not found" points at the name, other errors at the statement.
        func call<T>(_ name: Arg<String>? = nil, _ body: () throws(ClusterError) -> T) throws(RuntimeError) -> T {
            do { return try body() } catch {
                var at = r
                if case .notFound = error.reason, let name { at = name.range }
                throw RuntimeError(error.message, at: at)
            }
        }
        switch s.kind {
        case .cluster(let c):
            let n = try count(c.nodes)
            guard n >= 1 && n <= Limits.nodes else { throw RuntimeError("a cluster has 1 to \(Limits.nodes) nodes", at: c.nodes.range) }
            var config = ClusterConfig(nodes: n, seed: options.seed)
            if let cpu = c.cpu { config.cpuMillis = try value(cpu, Words.quantity).millis }
            if let mem = c.memory { config.memoryBytes = try value(mem, Words.quantity).millis / 1000 }
            cluster = Cluster(config)
            cluster.tracing = options.trace
            samples = [:]
            traceShown = 0
            let names = n <= 8 ? cluster.nodes.keys.joined(separator: ", ") : "n1, n2, ... n\(n)"
            say("cluster reset: \(n) node\(n == 1 ? "" : "s") (\(names))")
        case .nodeAdd(let a):
            let n = try name(a.name)
            var labels: OrderedDictionary<String, String> = [:]
            for l in a.labels { let kv = try value(l, Words.labelPair); labels[kv.key] = kv.value }
            let cpu = try a.cpu.map { (q) throws(RuntimeError) in try value(q, Words.quantity).millis } ?? 4000
            let mem = try a.memory.map { (q) throws(RuntimeError) in try value(q, Words.quantity).millis / 1000 } ?? (8 << 30)
            try call { () throws(ClusterError) in try cluster.addNode(name: n, cpuMillis: cpu, memoryBytes: mem, labels: labels) }
            say("node/\(n) added")
        case .nodeRemove(let a):
            let n = try name(a)
            try call(a) { () throws(ClusterError) in try cluster.removeNode(n) }
            say("node \"\(n)\" deleted")
        case .nodeAction(let action, let a):
            let n = try name(a)
            switch action {
            case .fail:
                try call(a) { () throws(ClusterError) in try cluster.failNode(n) }
                say("node/\(n) failed: it stops answering (NotReady after 50s, its pods evicted 5m later)")
            case .recover:
                try call(a) { () throws(ClusterError) in try cluster.recoverNode(n) }
                say("node/\(n) recovered")
            case .cordon:
                try call(a) { () throws(ClusterError) in try cluster.cordon(n) }
                say("node/\(n) cordoned")
            case .uncordon:
                try call(a) { () throws(ClusterError) in try cluster.uncordon(n) }
                say("node/\(n) uncordoned")
            case .drain:
                let wasCordoned = cluster.nodes[n]?.unschedulable == true
                let evicted = try call(a) { () throws(ClusterError) in try cluster.drain(n) }
                say("node/\(n) \(wasCordoned ? "already cordoned" : "cordoned")")
                for p in evicted { say("evicting pod default/\(p)") }
                for p in evicted { say("pod/\(p) evicted") }
                say("node/\(n) drained")
            }
        case .crashPod(let a):
            let n = try name(a)
            try call(a) { () throws(ClusterError) in try cluster.crashPod(n) }
            say("pod/\(n) crashed: its container exited; the kubelet restarts it after a back-off")
        case .registry(let change, let image):
            let img = try value(image, Words.image).text
            cluster.setImageAvailable(img, change == .add)
            say(change == .add ? "registry: \(Cluster.normalizedImage(img)) is available again" : "registry: \(Cluster.normalizedImage(img)) removed: pulls of it now fail")
        case .deploy(let d):
            try deploy(d, range: r)
        case .scale(let n, let replicas):
            let name = try name(n)
            let count = try count(replicas)
            try call(n) { () throws(ClusterError) in try cluster.scaleDeployment(name, replicas: count) }
            say("deployment.apps/\(name) scaled")
        case .setImage(let si):
            let name = try name(si.name)
            let ref = try value(si.image, Words.image)
            guard let d = cluster.deployment(name) else { throw RuntimeError(ClusterError.notFound("deployments.apps", name).kubectlText, at: si.name.range) }
            let image = Self.image(ref, deployment: name, current: d.spec.template.containers.first?.image)
            let container = si.container ?? (d.spec.template.containers.count == 1 ? d.spec.template.containers[0].name : nil)
            let before = cluster.deployment(name)?.spec
            try call { () throws(ClusterError) in try cluster.setImage(name, container: container, image: image) }
            if cluster.deployment(name)?.spec != before { say("deployment.apps/\(name) image updated") }
        case .rollout(let ro):
            try rollout(ro, range: r)
        case .delete(let d):
            let kind = try value(d.kind, Words.kind)
            let n = try name(d.name)
            switch kind {
            case .deployment:
                try call(d.name) { () throws(ClusterError) in try cluster.deleteDeployment(n) }
                say("deployment.apps \"\(n)\" deleted")
            case .service:
                try call(d.name) { () throws(ClusterError) in try cluster.deleteService(n) }
                say("service \"\(n)\" deleted")
            case .pod:
                try call(d.name) { () throws(ClusterError) in try cluster.deletePod(n) }
                say("pod \"\(n)\" deleted")
            case .configmap:
                try call(d.name) { () throws(ClusterError) in try cluster.deleteConfigMap(n) }
                say("configmap \"\(n)\" deleted")
            case .node:
                try call(d.name) { () throws(ClusterError) in try cluster.removeNode(n) }
                say("node \"\(n)\" deleted")
            case .replicaset:
                try call(d.name) { () throws(ClusterError) in try cluster.deleteReplicaSet(n) }
                say("replicaset.apps \"\(n)\" deleted")
            default:
                throw RuntimeError("k8sim cannot delete \(kind.plural)", at: d.kind.range, hint: "delete takes a deployment, service, pod, configmap, replicaset or node")
            }
        case .expose(let e):
            try expose(e, range: r)
        case .enableMetalLB(let range):
            let ip = try value(range, Words.ipRange)
            try call { () throws(ClusterError) in try cluster.enableMetalLB(pools: [AddressPool(first: ip.first, last: ip.last)]) }
            say("Enabling MetalLB\nMetalLB is enabled with address pool \(ip)")
        case .curl(let c):
            let target = try value(c.target, Words.target)
            let from = try c.from.map { (f) throws(RuntimeError) in try name(f) }
            let times = try c.times.map { (t) throws(RuntimeError) in try count(t) } ?? 1
            guard times >= 1 && times <= Limits.curlTimes else { throw RuntimeError("times goes from 1 to \(Limits.curlTimes)", at: c.times?.range ?? r) }
            for _ in 0..<times {
                switch cluster.request(host: target.host, port: target.port, from: from) {
                case .success(let response): say(response.body)
                case .failure(let f):
                    if f.kind == .badRequest { throw RuntimeError(f.message, at: c.target.range) }
                    say(Self.curlError(f))
                }
            }
        case .resolve(let res):
            let host = try expand(res.name)
            var namespace = "default"
            if let f = res.from {
                let n = try name(f)
                guard let pod = cluster.pod(n) ?? cluster.deployment(n).flatMap({ d in cluster.replicaSets(of: d).flatMap { cluster.pods(of: $0) }.first }) else {
                    throw RuntimeError("no pod \"\(n)\" to resolve from", at: f.range)
                }
                namespace = pod.meta.namespace
            }
            say("Server:\t\t10.152.183.10\nAddress:\t10.152.183.10:53\n")
            if let ip = cluster.resolve(host, fromNamespace: namespace) {
                say("Name:\t\(Self.fqdn(host, namespace))\nAddress: \(ip)")
            } else {
                say("** server can't find \(host): NXDOMAIN")
            }
        case .configMap(let n, let pairs):
            let name = try name(n)
            var data: OrderedDictionary<String, String> = [:]
            for p in pairs { let kv = try value(p, Words.dataPair); data[kv.key] = kv.value }
            let outcome = try call { () throws(ClusterError) in try cluster.applyConfigMap(name: name, data: data) }
            say("configmap/\(name) \(outcome.rawValue)")
        case .wait(let w):
            try wait(w, range: r)
        case .setClock(let mode):
            clockMode = mode
            say("clock: \(mode == .auto ? "auto (each statement runs until the cluster settles)" : "manual (only wait moves time)")")
        case .setSeed(let seed):
            let n = try count(seed)
            options.seed = UInt64(n)
            cluster.reseed(UInt64(n))
            say("seed: \(n)")
        case .setTrace(let on):
            options.trace = on
            cluster.tracing = on
            traceShown = cluster.trace.count
            say("trace: \(on ? "on" : "off")")
        case .get(let g):
            try get(g)
        case .describe(let k, let n):
            let kind = try value(k, Words.kind)
            let name = try name(n)
            switch DescribePrinter(cluster: cluster).render(kind: kind, name: name, namespace: "default") {
            case .success(let text): sink.write(text)
            case .failure(let e): throw RuntimeError(e.kubectlText, at: n.range)
            }
        case .map:
            sink.write(MapView(cluster: cluster, color: options.color).render())
        case .timeline(let n):
            let name = try name(n)
            guard let d = cluster.deployment(name) else { throw RuntimeError(ClusterError.notFound("deployments.apps", name).kubectlText, at: n.range) }
            sink.write(TimelineView(name: name, samples: samples[d.meta.key] ?? []).render())
        case .apply(let file):
            try apply(try expand(file), range: file.range)
        case .export(let e):
            try export(e, range: r)
        case .source(let file):
            try source(try expand(file), range: file.range)
        case .save(let file):
            try save(try expand(file), range: file.range)
        case .load(let file):
            try load(try expand(file), range: file.range)
        case .let(let name, let v):
            variables[name] = try expand(v)
        case .for(let variable, let items, let body):
            for item in items {
                variables[variable] = try expand(item)
                for statement in body {
                    if quitRequested { return }
                    try execute(statement)
                }
            }
        case .repeat(let n, let body):
            let times = try count(n)
            guard times <= Limits.repeatCount else { throw RuntimeError("repeat goes up to \(Limits.repeatCount)", at: n.range) }
            for _ in 0..<times {
                for statement in body {
                    if quitRequested { return }
                    try execute(statement)
                }
            }
        case .step(let title):
            if options.tutorial && options.interactive && stepsSeen > 0 { pauseHandler?() }
            stepsSeen += 1
            say("\n== \(try expand(title)) ==")
        case .say(let text):
            say(try expand(text))
        case .pause:
            if options.interactive { pauseHandler?() }
        case .expect(let e):
            try expect(e, range: r)
        case .help(let topic):
            say(Help.text(topic: try topic.map { (t) throws(RuntimeError) in try expand(t) }))
        case .quit:
            quitRequested = true
        case .clear:
            if options.color { sink.write("\u{1B}[H\u{1B}[2J") }
        }
    }

    static func curlError(_ f: Cluster.RequestFailure) -> String {
        let code: Int
        switch f.kind {
        case .refused: code = 7
        case .timedOut: code = 28
        case .unresolved: code = 6
        case .badRequest: code = 3
        }
        return "curl: (\(code)) \(f.message)"
    }

    static func fqdn(_ host: String, _ namespace: String) -> String {
        let parts = host.split(separator: ".")
        if host.hasSuffix(".cluster.local") { return host }
        if parts.count == 1 { return "\(host).\(namespace).svc.cluster.local" }
        if parts.count == 2 { return "\(host).svc.cluster.local" }
        return "\(host).cluster.local"
    }

    /// The full image for an image word: a tag (`v2`) keeps the repository the deployment
    /// runs now (`ghcr.io/subicura/echo:v1` → `ghcr.io/subicura/echo:v2`), or else names the
    /// deployment's own (`echo:v2`).
    static func image(_ ref: ImageRef, deployment: String, current: String?) -> String {
        guard ref.form == .tag, let current else { return ref.resolved(forDeployment: deployment) }
        var repo = Substring(current)
        if let at = repo.firstIndex(of: "@") { repo = repo[..<at] }
        let lastSlash = repo.lastIndex(of: "/").map { repo.index(after: $0) } ?? repo.startIndex
        if let colon = repo[lastSlash...].firstIndex(of: ":") { repo = repo[..<colon] }
        return "\(repo):\(ref.text)"
    }

    /// A container is named after its image's repository: `ghcr.io/subicura/echo:v1` → `echo`.
    static func containerName(for image: String) -> String {
        var base = Substring(image)
        if let slash = base.lastIndex(of: "/") { base = base[base.index(after: slash)...] }
        if let cut = base.firstIndex(where: { $0 == ":" || $0 == "@" }) { base = base[..<cut] }
        let name = base.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(name).isEmpty ? "app" : String(name)
    }

    // MARK: deploy and expose

    func deploy(_ d: Deploy, range: SourceRange) throws(RuntimeError) {
        let name = try name(d.name)
        let ref = try value(d.image, Words.image)
        let existing = cluster.deployment(name)
        let image = Self.image(ref, deployment: name, current: existing?.spec.template.containers.first?.image)
        var spec: DeploymentSpec
        if let existing {
            spec = existing.spec
            spec.template.containers[0].image = image
        } else {
            let labels: OrderedDictionary<String, String> = ["app": name]
            spec = DeploymentSpec(selector: labels, template: PodTemplate(labels: labels, containers: [Container(name: Self.containerName(for: image), image: image)]))
        }
        if !d.labels.isEmpty {
            var labels: OrderedDictionary<String, String> = [:]
            for l in d.labels { let kv = try value(l, Words.labelPair); labels[kv.key] = kv.value }
            spec.template.labels = labels
            if existing == nil { spec.selector = labels }
        }
        if let n = d.replicas { spec.replicas = try count(n) }
        if let p = d.port { spec.template.containers[0].ports = [ContainerPort(containerPort: try value(p, Words.port))] }
        if !d.env.isEmpty {
            var env: [EnvVar] = []
            for e in d.env { let kv = try value(e, Words.envPair); env.append(EnvVar(name: kv.key, value: kv.value)) }
            spec.template.containers[0].env = env
        }
        if let c = d.config { spec.template.containers[0].envFrom = [try self.name(c)] }
        if let q = d.cpu { spec.template.containers[0].cpuMillis = try value(q, Words.quantity).millis }
        if let q = d.memory { spec.template.containers[0].memoryBytes = try value(q, Words.quantity).millis / 1000 }
        func intOrString(_ v: IntOrPercent) -> IntOrString {
            switch v {
            case .count(let n): return .int(n)
            case .percent(let p): return .string("\(p)%")
            }
        }
        if d.strategy == .recreate {
            spec.strategy = .recreate
        } else if d.strategy == .rolling || d.surge != nil || d.unavailable != nil {
            var (surge, unavailable): (IntOrString?, IntOrString?) = (.string("25%"), .string("25%"))
            if case .rollingUpdate(let s, let u) = spec.strategy { (surge, unavailable) = (s, u) }
            if let s = d.surge { surge = intOrString(try value(s, Words.intOrPercent)) }
            if let u = d.unavailable { unavailable = intOrString(try value(u, Words.intOrPercent)) }
            spec.strategy = .rollingUpdate(maxSurge: surge, maxUnavailable: unavailable)
        }
        if let m = d.minReady { spec.minReadySeconds = Int(try value(m, Words.duration).milliseconds / 1000) }
        if let h = d.history { spec.revisionHistoryLimit = try count(h) }
        if let dl = d.deadline { spec.progressDeadlineSeconds = Int(try value(dl, Words.duration).milliseconds / 1000) }
        let outcome: Cluster.ApplyOutcome
        // New deployments carry their pods' labels, as `kubectl create deployment` makes them.
        let labels = existing == nil ? spec.template.labels : [:]
        do throws(ClusterError) { outcome = try cluster.applyDeployment(name: name, spec: spec, labels: labels) } catch {
            throw RuntimeError(error.message, at: range)
        }
        say("deployment.apps/\(name) \(outcome.rawValue)")
    }

    func expose(_ e: Expose, range: SourceRange) throws(RuntimeError) {
        let name = try name(e.name)
        guard let d = cluster.deployment(name) else {
            throw RuntimeError(ClusterError.notFound("deployments.apps", name).kubectlText, at: e.name.range,
                               hint: "deploy it first, for example: deploy \(name) image ghcr.io/subicura/\(name):latest port 3000")
        }
        let serviceName = try e.serviceName.map { (a) throws(RuntimeError) in try self.name(a) } ?? name
        let containerPort = d.spec.template.containers.first?.ports.first?.containerPort
        guard let port = try e.port.map({ (p) throws(RuntimeError) in try value(p, Words.port) }) ?? containerPort else {
            throw RuntimeError("error: couldn't find port via --port flag or introspection", at: range,
                               hint: "give the port: expose \(name) port 80, or deploy it with a port")
        }
        var target: TargetPort?
        if let t = e.target {
            switch try value(t, Words.portRef) {
            case .number(let n): target = .number(n)
            case .name(let s): target = .name(s)
            }
        } else if e.port != nil, let cp = containerPort, cp != port {
            target = .number(cp)
        }
        var type = ServiceType.clusterIP
        var nodePort: Int?
        switch e.type {
        case .clusterIP?, nil: type = .clusterIP
        case .nodePort(let n)?:
            type = .nodePort
            nodePort = try n.map { (p) throws(RuntimeError) in try value(p, Words.port) }
        case .loadBalancer?: type = .loadBalancer
        }
        if cluster.service(serviceName) != nil {
            throw RuntimeError(ClusterError.alreadyExists("services", serviceName).kubectlText, at: range,
                               hint: "choose another name: expose \(name) as \(serviceName)-2 ...")
        }
        // The port is named PORT-TARGET, as `kubectl create service` names it.
        let targetNumber: String
        switch target {
        case .number(let n)?: targetNumber = "\(n)"
        case .name(let s)?: targetNumber = s
        case nil: targetNumber = "\(port)"
        }
        let spec = ServiceSpec(type: type, selector: d.spec.selector,
                               ports: [ServicePort(name: "\(port)-\(targetNumber)", port: port, targetPort: target ?? .number(port), nodePort: nodePort)])
        do throws(ClusterError) { try cluster.applyService(name: serviceName, spec: spec, labels: d.meta.labels) } catch { throw RuntimeError(error.message, at: range) }
        say("service/\(serviceName) exposed")
    }

    // MARK: rollout and wait

    func rollout(_ ro: Rollout, range: SourceRange) throws(RuntimeError) {
        let name = try name(ro.name)
        func call<T>(_ body: () throws(ClusterError) -> T) throws(RuntimeError) -> T {
            do { return try body() } catch { throw RuntimeError(error.message, at: range) }
        }
        guard cluster.deployment(name) != nil else {
            throw RuntimeError(ClusterError.notFound("deployments.apps", name).kubectlText, at: ro.name.range)
        }
        switch ro.verb {
        case .status:
            let (line, done, failure) = RolloutText.status(cluster, name)
            if let failure { throw RuntimeError(failure, at: range) }
            say(line)
            _ = done
        case .history:
            let history = try call { () throws(ClusterError) in try cluster.history(of: name) }
            if let revArg = ro.revision {
                let rev = try value(revArg, Words.revision)
                guard let h = history.first(where: { $0.revision == rev }) else {
                    throw RuntimeError("error: unable to find the specified revision", at: revArg.range)
                }
                // kubectl ends both forms with a blank line.
                sink.write("deployment.apps/\(name) with revision #\(rev)\nPod Template:\n" + DescribePrinter.podTemplate(h.template) + "\n")
            } else if history.isEmpty {
                say("No rollout history found.")
            } else {
                var t = TabWriter(minWidth: 0, padding: 2)
                t.line(["REVISION", "CHANGE-CAUSE"])
                for h in history { t.line(["\(h.revision)", h.changeCause ?? "<none>"]) }
                sink.write("deployment.apps/\(name) \n" + t.render() + "\n")
            }
        case .pause:
            let changed = try call { () throws(ClusterError) in try cluster.pauseDeployment(name) }
            say("deployment.apps/\(name) \(changed ? "paused" : "already paused")")
        case .resume:
            let changed = try call { () throws(ClusterError) in try cluster.resumeDeployment(name) }
            say("deployment.apps/\(name) \(changed ? "resumed" : "already resumed")")
        case .restart:
            try call { () throws(ClusterError) in try cluster.restartDeployment(name) }
            say("deployment.apps/\(name) restarted")
        case .undo:
            let rev = try ro.revision.map { (a) throws(RuntimeError) in try value(a, Words.revision) } ?? 0
            let outcome = try call { () throws(ClusterError) in try cluster.rollback(name, toRevision: rev) }
            switch outcome {
            case .rolledBack: say("deployment.apps/\(name) rolled back")
            case .skipped(let n): say("deployment.apps/\(name) skipped rollback (current template already matches revision \(n))")
            }
        }
    }

    func wait(_ w: Wait, range: SourceRange) throws(RuntimeError) {
        do {
            switch w {
            case .duration(let d):
                let ms = try value(d, Words.duration).milliseconds
                guard ms <= Limits.waitTime else { throw RuntimeError("wait at most \(Limits.waitTime / 86_400_000) days at a time", at: d.range) }
                try advance(by: ms)
            case .ready:
                try settle()
            case .rollout(let n):
                let name = try name(n)
                guard cluster.deployment(name) != nil else {
                    throw RuntimeError(ClusterError.notFound("deployments.apps", name).kubectlText, at: n.range)
                }
                var last = ""
                let start = cluster.now
                while true {
                    let (line, done, failure) = RolloutText.status(cluster, name)
                    if let failure { throw RuntimeError(failure, at: range) }
                    if line != last { say(line); last = line }
                    if done { break }
                    guard try cluster.step() else { break }
                    sample()
                    if cluster.now - start > Limits.settleTime { throw RuntimeError("timed out waiting for the condition", at: range) }
                }
            }
        } catch let e as RuntimeError {
            throw e
        } catch {
            throw RuntimeError("\(error)", at: range)
        }
    }

    /// A path as the running script means it: relative to that script's folder.
    func resolvePath(_ path: String) -> String {
        let base = (sourceStack.last.map { ($0 as NSString).deletingLastPathComponent }) ?? ""
        let full = path.hasPrefix("/") || base.isEmpty ? path : (base as NSString).appendingPathComponent(path)
        return (full as NSString).standardizingPath
    }

    func source(_ path: String, range: SourceRange) throws(RuntimeError) {
        let resolved = resolvePath(path)
        if sourceStack.contains(resolved) {
            throw RuntimeError("source cycle: \(resolved) is already being run", at: range,
                               hint: (sourceStack + [resolved]).joined(separator: " → "))
        }
        guard sourceStack.count < Limits.sourceDepth else { throw RuntimeError("source is nested more than \(Limits.sourceDepth) deep", at: range) }
        if let refusal = filePolicy?.refusalToRead(resolved) { throw RuntimeError(refusal, at: range) }
        guard let text = readFile(resolved) else {
            throw RuntimeError("cannot read '\(path)'", at: range, hint: "paths are relative to the script that sources them")
        }
        if !run(SourceFile(name: resolved, text: text)) {
            var error = RuntimeError("'\(path)' failed", at: range)
            error.alreadyReported = true
            throw error
        }
    }

    /// `apply FILE` (and `kubectl apply -f FILE`): every document, or nothing.
    func apply(_ path: String, range: SourceRange) throws(RuntimeError) {
        let resolved = resolvePath(path)
        if let refusal = filePolicy?.refusalToRead(resolved) { throw RuntimeError(refusal, at: range) }
        guard let text = readFile(resolved) else {
            throw RuntimeError("the path \"\(path)\" does not exist", at: range, hint: "paths are relative to the script")
        }
        var reader = ManifestReader(file: path)
        switch reader.read(text) {
        case .failure(let e):
            let message = e.errors.map(\.description).joined(separator: "\n")
            throw RuntimeError(message, at: range, hint: e.errors.count > 1 ? "nothing in the file was applied" : nil)
        case .success(let objects):
            for w in reader.warnings { sink.writeError("Warning: \(w)\n") }
            switch ManifestApplier.apply(objects, to: &cluster) {
            case .success(let lines): for l in lines { say(l) }
            case .failure(let e):
                throw RuntimeError(e.namesObject ? e.message : "\(path): \(e.message)", at: range,
                                   hint: objects.count > 1 ? "nothing in the file was applied" : nil)
            }
        }
    }

    func export(_ e: Export, range: SourceRange) throws(RuntimeError) {
        let kind = try e.kind.map { (k) throws(RuntimeError) in try value(k, Words.kind) }
        let name = try e.name.map { (n) throws(RuntimeError) in try self.name(n) }
        if let kind, ![ResourceKind.deployment, .service, .configmap, .namespace, .pod, .replicaset].contains(kind) {
            throw RuntimeError("export takes a deployment, service, configmap, namespace, pod or replicaset", at: e.kind?.range ?? range)
        }
        let text: String
        switch ManifestWriter.export(cluster, kind: kind?.rawValue, name: name) {
        case .success(let t): text = t
        case .failure(let error): throw RuntimeError(error.message, at: e.name?.range ?? range)
        }
        guard let file = e.file else {
            sink.write(text)
            return
        }
        let path = resolvePath(try expand(file))
        if let refusal = filePolicy?.refusalToWrite(path) { throw RuntimeError(refusal, at: file.range) }
        guard let writeFile else {
            throw RuntimeError("this session may not write files", at: file.range, hint: "run with the right to write, or leave out 'to FILE' to print the manifest")
        }
        guard writeFile(path, text) else { throw RuntimeError("cannot write '\(path)'", at: file.range) }
        say("wrote \(path)")
    }

    // MARK: get

    func get(_ g: Get) throws(RuntimeError) {
        let kind = try value(g.kind, Words.kind)
        var q = GetPrinter.Query(kind: kind, name: try g.name.map { (n) throws(RuntimeError) in try name(n) },
                                 selector: try g.selector.map { (s) throws(RuntimeError) in try value(s, Words.selector) },
                                 namespace: "default", output: g.output)
        switch g.namespace {
        case .named(let n)?: q.namespace = try name(n)
        case .all?: q.namespace = nil
        case nil: break
        }
        if kind == .endpoints { sink.writeError("Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n") }
        switch GetPrinter(cluster: cluster).render(q) {
        case .success(let text): sink.write(text)
        case .failure(.none(let message)): sink.writeError(message + "\n")
        case .failure(.notFound(let error)): throw RuntimeError(error.kubectlText, at: g.name?.range ?? g.kind.range)
        }
    }

    // MARK: Timeline samples

    func sample() { sample(cluster) }

    /// Keeps a timeline point for each deployment whose counts changed.
    func sample(_ cluster: Cluster) {
        for d in cluster.deployments.values {
            let c = Self.counts(cluster, d)
            let s = TimelineSample(time: cluster.now, old: c.old, new: c.new, available: c.available, desired: d.spec.replicas,
                                   maxSurge: DeploymentUtil.maxSurge(d.spec), maxUnavailable: DeploymentUtil.maxUnavailable(d.spec))
            var list = samples[d.meta.key] ?? []
            if list.last.map({ $0.old == s.old && $0.new == s.new && $0.available == s.available && $0.desired == s.desired }) == true { continue }
            list.append(s)
            if list.count > 2000 { list.removeFirst(list.count - 2000) }
            samples[d.meta.key] = list
        }
    }

    /// Old, new and available pods, from the ReplicaSets' counts (no walk over pods).
    static func counts(_ c: Cluster, _ d: Deployment) -> (old: Int, new: Int, available: Int) {
        let rss = c.replicaSets(of: d)
        let newRS = DeploymentUtil.findNewReplicaSet(d.spec, rss)
        var old = 0, new = 0, available = 0
        for rs in rss {
            if rs.meta.uid == newRS?.meta.uid { new += rs.status.replicas } else { old += rs.status.replicas }
            available += rs.status.availableReplicas
        }
        return (old, new, available)
    }
}

/// `kubectl rollout status` lines, from upstream's `DeploymentStatusViewer`.
enum RolloutText {
    static func status(_ c: Cluster, _ name: String) -> (line: String, done: Bool, failure: String?) {
        guard let d = c.deployment(name) else { return ("", true, "deployments.apps \"\(name)\" not found") }
        let s = d.status
        if d.meta.generation <= s.observedGeneration {
            if s.condition("Progressing")?.reason == "ProgressDeadlineExceeded" {
                return ("", true, "error: deployment \"\(name)\" exceeded its progress deadline")
            }
            if s.updatedReplicas < d.spec.replicas {
                return ("Waiting for deployment \"\(name)\" rollout to finish: \(s.updatedReplicas) out of \(d.spec.replicas) new replicas have been updated...", false, nil)
            }
            if s.replicas > s.updatedReplicas {
                return ("Waiting for deployment \"\(name)\" rollout to finish: \(s.replicas - s.updatedReplicas) old replicas are pending termination...", false, nil)
            }
            if s.availableReplicas < s.updatedReplicas {
                return ("Waiting for deployment \"\(name)\" rollout to finish: \(s.availableReplicas) of \(s.updatedReplicas) updated replicas are available...", false, nil)
            }
            return ("deployment \"\(name)\" successfully rolled out", true, nil)
        }
        return ("Waiting for deployment spec update to be observed...", false, nil)
    }
}
