import K8simCluster
import K8simManifests
import OrderedCollections

/// Objects as the API server returns them for `get -o yaml|json`.
enum ObjectTrees {
    static func uid(_ n: Int) -> String {
        let hex = String(n, radix: 16)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }

    static func metadata(_ m: ObjectMeta, extra: [(String, Tree?)] = []) -> Tree {
        var pairs: [(String, Tree?)] = [
            ("name", .string(m.name)),
            ("namespace", m.namespace.isEmpty ? nil : .string(m.namespace)),
            ("uid", .string(uid(m.uid))),
            ("creationTimestamp", .string(Cluster.rfc3339(m.creationTime))),
            ("labels", Tree.strings(m.labels)),
            ("annotations", Tree.strings(m.annotations)),
            ("deletionTimestamp", m.deletionTime.map { .string(Cluster.rfc3339($0)) }),
        ]
        if let o = m.owner {
            pairs.append(("ownerReferences", .list([Tree.object([
                ("apiVersion", .string(o.kind == "Deployment" || o.kind == "ReplicaSet" ? "apps/v1" : "v1")),
                ("blockOwnerDeletion", .bool(true)), ("controller", .bool(true)), ("kind", .string(o.kind)),
                ("name", .string(o.name)), ("uid", .string(uid(o.uid))),
            ])])))
        }
        return Tree.object(pairs + extra)
    }

    static func container(_ c: Container) -> Tree {
        var resources: Tree?
        if c.cpuMillis > 0 || c.memoryBytes > 0 {
            resources = Tree.object([("requests", Tree.object([
                ("cpu", c.cpuMillis > 0 ? .string(Quantities.cpu(c.cpuMillis)) : nil),
                ("memory", c.memoryBytes > 0 ? .string(Quantities.memory(c.memoryBytes)) : nil),
            ]))])
        }
        return Tree.object([
            ("name", .string(c.name)), ("image", .string(c.image)),
            ("ports", .list(c.ports.map { p in
                Tree.object([("containerPort", .int(p.containerPort)), ("name", p.name.map { .string($0) }), ("protocol", .string(p.proto))])
            })),
            ("env", .list(c.env.map { e in
                if let ref = e.configMapKey {
                    return Tree.object([("name", .string(e.name)), ("valueFrom", Tree.object([("configMapKeyRef", Tree.object([
                        ("name", .string(ref.name)), ("key", .string(ref.key)),
                    ]))]))])
                }
                return Tree.object([("name", .string(e.name)), ("value", .string(e.value ?? ""))])
            })),
            ("envFrom", .list(c.envFrom.map { Tree.object([("configMapRef", Tree.object([("name", .string($0))]))]) })),
            ("resources", resources),
        ])
    }

    static func template(_ t: PodTemplate) -> Tree {
        Tree.object([
            ("metadata", Tree.object([("labels", Tree.strings(t.labels)), ("annotations", Tree.strings(t.annotations))])),
            ("spec", Tree.object([("containers", .list(t.containers.map(container)))])),
        ])
    }

    static func strategy(_ s: DeploymentStrategy) -> Tree {
        switch s {
        case .recreate: return Tree.object([("type", .string("Recreate"))])
        case .rollingUpdate(let surge, let unavailable):
            func v(_ x: IntOrString?) -> Tree? {
                switch x {
                case .int(let n)?: return .int(n)
                case .string(let s)?: return .string(s)
                case nil: return nil
                }
            }
            return Tree.object([("type", .string("RollingUpdate")),
                                ("rollingUpdate", Tree.object([("maxSurge", v(surge)), ("maxUnavailable", v(unavailable))]))])
        }
    }

    static func conditions(_ cs: [Condition]) -> Tree {
        .list(cs.map { c in
            Tree.object([("type", .string(c.type)), ("status", .string(c.status.rawValue)), ("reason", .string(c.reason)),
                         ("message", .string(c.message)), ("lastTransitionTime", .string(Cluster.rfc3339(c.lastTransitionTime))),
                         ("lastUpdateTime", .string(Cluster.rfc3339(c.lastUpdateTime)))])
        })
    }

    static func deployment(_ d: Deployment) -> Tree {
        let s = d.spec
        return Tree.object([
            ("apiVersion", .string("apps/v1")), ("kind", .string("Deployment")),
            ("metadata", metadata(d.meta, extra: [("generation", .int(d.meta.generation))])),
            ("spec", Tree.object([
                ("replicas", .int(s.replicas)),
                ("selector", Tree.object([("matchLabels", Tree.strings(s.selector))])),
                ("template", template(s.template)),
                ("strategy", strategy(s.strategy)),
                ("minReadySeconds", s.minReadySeconds == 0 ? nil : .int(s.minReadySeconds)),
                ("revisionHistoryLimit", s.revisionHistoryLimit.map { .int($0) }),
                ("progressDeadlineSeconds", s.progressDeadlineSeconds.map { .int($0) }),
                ("paused", s.paused ? .bool(true) : nil),
            ])),
            ("status", Tree.object([
                ("observedGeneration", .int(d.status.observedGeneration)), ("replicas", .int(d.status.replicas)),
                ("updatedReplicas", .int(d.status.updatedReplicas)), ("readyReplicas", .int(d.status.readyReplicas)),
                ("availableReplicas", .int(d.status.availableReplicas)),
                ("unavailableReplicas", d.status.unavailableReplicas == 0 ? nil : .int(d.status.unavailableReplicas)),
                ("conditions", conditions(d.status.conditions)),
            ])),
        ])
    }

    static func replicaSet(_ r: ReplicaSet) -> Tree {
        Tree.object([
            ("apiVersion", .string("apps/v1")), ("kind", .string("ReplicaSet")),
            ("metadata", metadata(r.meta, extra: [("generation", .int(r.meta.generation))])),
            ("spec", Tree.object([
                ("replicas", .int(r.replicas)), ("selector", Tree.object([("matchLabels", Tree.strings(r.selector))])),
                ("template", template(r.template)), ("minReadySeconds", r.minReadySeconds == 0 ? nil : .int(r.minReadySeconds)),
            ])),
            ("status", Tree.object([
                ("replicas", .int(r.status.replicas)), ("readyReplicas", r.status.readyReplicas == 0 ? nil : .int(r.status.readyReplicas)),
                ("availableReplicas", r.status.availableReplicas == 0 ? nil : .int(r.status.availableReplicas)),
                ("fullyLabeledReplicas", .int(r.status.fullyLabeledReplicas)), ("observedGeneration", .int(r.status.observedGeneration)),
            ])),
        ])
    }

    static func pod(_ p: Pod) -> Tree {
        let statuses: [Tree] = p.containerStatuses.map { c in
            var state: Tree
            switch c.state {
            case .waiting(let r, let m): state = Tree.object([("waiting", Tree.object([("reason", .string(r)), ("message", m.isEmpty ? nil : .string(m))]))])
            case .running(let t): state = Tree.object([("running", Tree.object([("startedAt", .string(Cluster.rfc3339(t)))]))])
            case .terminated(let r, let code, let t):
                state = Tree.object([("terminated", Tree.object([("reason", .string(r)), ("exitCode", .int(code)), ("finishedAt", .string(Cluster.rfc3339(t)))]))])
            }
            return Tree.object([("name", .string(c.name)), ("image", .string(c.image)), ("ready", .bool(c.ready)),
                                ("restartCount", .int(c.restartCount)), ("started", .bool(c.state.isRunning)),
                                ("state", state)])
        }
        return Tree.object([
            ("apiVersion", .string("v1")), ("kind", .string("Pod")),
            ("metadata", metadata(p.meta)),
            ("spec", Tree.object([("containers", .list(p.template.containers.map(container))), ("nodeName", p.nodeName.map { .string($0) })])),
            ("status", Tree.object([
                ("phase", .string(p.phase.rawValue)), ("podIP", p.podIP.map { .string($0) }),
                ("startTime", p.startTime.map { .string(Cluster.rfc3339($0)) }), ("containerStatuses", .list(statuses)),
                ("reason", p.reason.map { .string($0) }),
            ])),
        ])
    }

    static func service(_ s: Service) -> Tree {
        Tree.object([
            ("apiVersion", .string("v1")), ("kind", .string("Service")),
            ("metadata", metadata(s.meta)),
            ("spec", Tree.object([
                ("type", .string(s.spec.type.rawValue)), ("clusterIP", .string(s.clusterIP)), ("clusterIPs", .list([.string(s.clusterIP)])),
                ("selector", s.spec.selector.flatMap { Tree.strings($0) }),
                ("ports", .list(s.spec.ports.map { p in
                    var target: Tree
                    switch p.target {
                    case .number(let n): target = .int(n)
                    case .name(let n): target = .string(n)
                    }
                    return Tree.object([("name", p.name.map { .string($0) }), ("port", .int(p.port)), ("protocol", .string(p.proto)),
                                        ("targetPort", target), ("nodePort", p.nodePort.map { .int($0) })])
                })),
                ("sessionAffinity", .string("None")),
                ("externalTrafficPolicy", s.spec.type == .clusterIP ? nil : .string("Cluster")),
            ])),
            ("status", Tree.object([("loadBalancer", s.loadBalancerIP.map { Tree.object([("ingress", .list([Tree.object([("ip", .string($0))])]))]) } ?? .map([]))])),
        ])
    }

    static func configMap(_ c: ConfigMap) -> Tree {
        Tree.object([("apiVersion", .string("v1")), ("kind", .string("ConfigMap")), ("metadata", metadata(c.meta)), ("data", Tree.strings(c.data))])
    }

    static func node(_ n: Node) -> Tree {
        Tree.object([
            ("apiVersion", .string("v1")), ("kind", .string("Node")), ("metadata", metadata(n.meta)),
            ("spec", Tree.object([("unschedulable", n.unschedulable ? .bool(true) : nil),
                                  ("taints", .list(n.taints.map { Tree.object([("key", .string($0.key)), ("effect", .string($0.effect.rawValue))]) }))])),
            ("status", Tree.object([
                ("addresses", .list([Tree.object([("type", .string("InternalIP")), ("address", .string(n.internalIP))])])),
                ("capacity", Tree.object([("cpu", .string(Quantities.cpu(n.cpuMillis))), ("memory", .string(Quantities.memory(n.memoryBytes))),
                                          ("pods", .string("\(n.maxPods)"))])),
                ("conditions", .list([Tree.object([("type", .string("Ready")), ("status", .string(n.ready.status.rawValue)),
                                                   ("reason", .string(n.ready.reason)), ("message", .string(n.ready.message))])])),
            ])),
        ])
    }

    static func endpoints(_ e: Endpoints, _ s: Service?) -> Tree {
        func addresses(_ list: [EndpointAddress]) -> Tree {
            .list(list.map { a in
                Tree.object([("ip", .string(a.ip)), ("nodeName", a.nodeName.map { .string($0) }),
                             ("targetRef", a.podName.map { Tree.object([("kind", .string("Pod")), ("name", .string($0)), ("namespace", .string(e.meta.namespace))]) })])
            })
        }
        let ports: [Tree] = (s?.spec.ports ?? []).enumerated().map { i, p in
            Tree.object([("name", p.name.map { .string($0) }), ("port", .int(e.ready.first?.ports[i] ?? e.notReady.first?.ports[i] ?? p.port)),
                         ("protocol", .string(p.proto))])
        }
        let subset = Tree.object([("addresses", addresses(e.ready)), ("notReadyAddresses", addresses(e.notReady)), ("ports", .list(ports))])
        return Tree.object([("apiVersion", .string("v1")), ("kind", .string("Endpoints")), ("metadata", metadata(e.meta)),
                            ("subsets", e.ready.isEmpty && e.notReady.isEmpty ? nil : .list([subset]))])
    }
}

