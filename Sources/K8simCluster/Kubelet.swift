/// The kubelet: pulls images and starts containers (taking virtual time), restarts crashed
/// containers with back-off, and stops the containers of deleted pods.
extension Cluster {
    /// What the kubelet hears: pods bound to its node, its node back after a failure, and
    /// ConfigMaps that pods wait for.
    @inline(__always) mutating func kubeletObserve(_ event: WatchEvent) {
        switch event {
        case .podBound(let b):
            if b.nodeAt < nodes.count, nodes.values[b.nodeAt].name == b.node, nodes.values[b.nodeAt].kubeletUp {
                startPod(b.key, uid: b.uid, name: b.name, namespace: b.namespace, template: b.template, nodeAt: b.nodeAt)
            }
        case .nodeRecovered(let name): resumePods(on: name)
        case .configMapCreated(let namespace):
            // Pods waiting for this ConfigMap can start now.
            for (k, pod) in pods where pod.meta.namespace == namespace {
                if case .waiting(let reason, _)? = pod.containerStatuses.first?.state, reason == "CreateContainerConfigError" { startPod(k) }
            }
        default: break
        }
    }

    /// Back after a failure, the kubelet finishes what was asked while it was away: deleted pods
    /// go, running ones report ready again, and pods it never started (or was restarting) start.
    mutating func resumePods(on name: String) {
        for key in podKeys(on: name) {
            guard var pod = pods[key] else { continue }
            let running = !pod.containerStatuses.isEmpty
                && pod.containerStatuses.allSatisfy(\.state.isRunning)
            if pod.isTerminating {
                removePod(key)
            } else if running {
                if !pod.isReady {
                    pod.readySince = now
                    for i in pod.containerStatuses.indices { pod.containerStatuses[i].ready = true }
                    pods[key] = pod
                    podChanged(pod)
                }
            } else {
                startPod(key)
            }
        }
    }

    /// `redis` means `redis:latest`; digests and tags stay as written.
    public static func normalizedImage(_ image: String) -> String {
        // Bytes, not characters: every pod start asks.
        let tail = image.utf8.reversed().prefix { $0 != UInt8(ascii: "/") }
        return tail.contains(UInt8(ascii: ":")) || tail.contains(UInt8(ascii: "@")) ? image : image + ":latest"
    }

    /// Makes pulls of `image` fail (`registry remove`) or succeed again (`registry add`).
    public mutating func setImageAvailable(_ image: String, _ available: Bool) {
        let name = Self.normalizedImage(image)
        if available { missingImages.remove(name) } else { missingImages.insert(name) }
    }

    /// A bound pod on a live node: pull the image (unless the node has it), then start.
    mutating func startPod(_ key: String) {
        guard let pod = pods.withValue(key, { p in (uid: p.meta.uid, name: p.name, namespace: p.meta.namespace, template: p.template, node: p.nodeName) }),
              let nodeName = pod.node, let n = nodes.index(forKey: nodeName) else { return }
        startPod(key, uid: pod.uid, name: pod.name, namespace: pod.namespace, template: pod.template, nodeAt: n)
    }

    mutating func startPod(_ key: String, uid: Int, name: String, namespace ns: String, template: PodTemplate, nodeAt n: Int) {
        let shown = template.containers.first?.image ?? ""
        if nodes.values[n].images.contains(Self.normalizedImage(shown)) {
            record("Pulled", "pod", name, .alreadyPresent(image: shown), source: "kubelet", namespace: ns)
            clock.schedule(.kubelet(pod: key, uid: uid, step: .started), after: timings.containerStart)
        } else {
            record("Pulling", "pod", name, .pulling(image: shown), source: "kubelet", namespace: ns)
            clock.schedule(.kubelet(pod: key, uid: uid, step: .pulled), after: timings.imagePull)
        }
    }

    mutating func kubeletStep(_ key: String, uid: Int, _ step: KubeletStep) {
        // Read in place; the common steps then change the pod in place too.
        guard let (name, ns, nodeName, template) = pods.withValue(key, { p in
                  p.meta.uid == uid && !p.isTerminating ? (p.name, p.meta.namespace, p.nodeName, p.template) : nil
              }) ?? nil,
              let nodeName, let n = nodes.index(forKey: nodeName), nodes.values[n].kubeletUp else { return }
        let shownImage = template.containers.first?.image ?? ""
        switch step {
        case .backOff:
            guard var pod = pods[key], pod.pullFailures > 0, case .waiting? = pod.containerStatuses.first?.state else { return }
            setWaiting(&pod, reason: "ImagePullBackOff", message: "Back-off pulling image \"\(shownImage)\"")
            pods[key] = pod
            record("BackOff", "pod", name, "Back-off pulling image \"\(shownImage)\"", source: "kubelet", namespace: ns)
            record(.warning, "Failed", "pod", name, "Error: ImagePullBackOff", source: "kubelet", namespace: ns)
        case .pulled, .retryPull:
            let image = Self.normalizedImage(shownImage)
            if missingImages.contains(image) {
                guard var pod = pods[key] else { return }
                let message = "failed to pull and unpack image \"\(image)\": not found"
                record(.warning, "Failed", "pod", name, "Failed to pull image \"\(shownImage)\": \(message)", source: "kubelet", namespace: ns)
                record(.warning, "Failed", "pod", name, .errImagePull, source: "kubelet", namespace: ns)
                note("kubelet", "\(nodeName): pulling \(shownImage) for \(name) failed; backing off")
                // ErrImagePull on the first failure, ImagePullBackOff while waiting to retry.
                let reason = pod.pullFailures == 0 ? "ErrImagePull" : "ImagePullBackOff"
                setWaiting(&pod, reason: reason, message: reason == "ErrImagePull" ? message : "Back-off pulling image \"\(shownImage)\"")
                let delay = backOffDelay(pod.pullFailures)
                pod.pullFailures += 1
                pods[key] = pod
                clock.schedule(.kubelet(pod: key, uid: uid, step: .backOff), after: min(delay, 1000), background: true)
                clock.schedule(.kubelet(pod: key, uid: uid, step: .retryPull), after: delay, background: true)
                return
            }
            nodes.values[n].images.insert(image)
            record("Pulled", "pod", name, .pulled(image: shownImage, took: timings.imagePull), source: "kubelet", namespace: ns)
            clock.schedule(.kubelet(pod: key, uid: uid, step: .started), after: timings.containerStart)
        case .started, .restart:
            do {
                _ = try environment(of: template, namespace: ns)
            } catch {
                // Started again when the ConfigMap appears.
                guard var pod = pods[key] else { return }
                setWaiting(&pod, reason: "CreateContainerConfigError", message: error.message)
                pods[key] = pod
                record(.warning, "Failed", "pod", name, "Error: \(error.message)", source: "kubelet", namespace: ns)
                return
            }
            let now = self.now
            guard let (statuses, meta) = pods.modify(key, { pod in
                for i in pod.containerStatuses.indices {
                    if step == .restart { pod.containerStatuses[i].restartCount += 1 }
                    pod.containerStatuses[i].state = .running(startedAt: now)
                    pod.containerStatuses[i].ready = true
                }
                pod.phase = .running
                pod.reason = nil
                pod.readySince = now
                return (pod.containerStatuses, pod.meta)
            }) else { return }
            for c in statuses {
                record("Created", "pod", name, .created(container: c.name), source: "kubelet", namespace: ns)
                record("Started", "pod", name, .started(container: c.name), source: "kubelet", namespace: ns)
            }
            note("kubelet", "\(nodeName): started \(name); it is Running and Ready")
            podChanged(meta)
            emit(.podReady(meta))
        }
    }

    /// Kubelet back-off: 10s, doubling, at most 5m.
    func backOffDelay(_ attempt: Int) -> Millis {
        var d = timings.backOffBase
        for _ in 0..<min(max(0, attempt), 10) { d = min(d * 2, timings.backOffMax) }
        return min(d, timings.backOffMax)
    }

    mutating func setWaiting(_ pod: inout Pod, reason: String, message: String) {
        for i in pod.containerStatuses.indices {
            pod.containerStatuses[i].state = .waiting(reason: reason, message: message)
            pod.containerStatuses[i].ready = false
        }
        pod.readySince = nil
    }

    /// The container exits with an error; the kubelet restarts it after a back-off.
    public mutating func crashPod(_ name: String, namespace: String = "default") throws(ClusterError) {
        let key = ObjectMeta.key(namespace, name)
        guard var pod = pods[key] else { throw .notFound("pods", name) }
        guard !pod.isTerminating, pod.phase == .running, let nodeName = pod.nodeName, nodes[nodeName]?.kubeletUp == true else {
            throw .refused("pod \"\(name)\" has no running container to crash")
        }
        let restarts = pod.restarts
        for i in pod.containerStatuses.indices {
            pod.containerStatuses[i].state = .waiting(reason: "CrashLoopBackOff", message: "back-off restarting failed container")
            pod.containerStatuses[i].ready = false
            pod.containerStatuses[i].lastRestartAt = now
        }
        pod.readySince = nil
        pods[key] = pod
        let c = pod.containerStatuses.first?.name ?? ""
        record(.warning, "BackOff", "pod", name, "Back-off restarting failed container \(c) in pod \(name)_\(namespace)(\(pod.meta.uid))",
               source: "kubelet", namespace: namespace)
        note("kubelet", "\(nodeName): container of \(name) exited; restarting after back-off")
        podChanged(pod)
        clock.schedule(.kubelet(pod: key, uid: pod.meta.uid, step: .restart), after: backOffDelay(restarts))
    }

    /// Marks a pod for deletion. Its containers stop after the grace period, if its node is
    /// alive to stop them; otherwise it stays Terminating until the node comes back.
    mutating func deletePodGracefully(_ key: String) {
        let now = self.now
        guard let (meta, nodeName) = pods.modify(key, { pod -> (ObjectMeta, String?)? in
            guard !pod.isTerminating else { return nil }
            pod.meta.deletionTime = now
            pod.readySince = nil
            for i in pod.containerStatuses.indices { pod.containerStatuses[i].ready = false }
            return (pod.meta, pod.nodeName)
        }) ?? nil else { return }
        emit(.podTerminating(key: key))
        podChanged(meta)
        guard let nodeName else {
            removePod(key)
            return
        }
        if nodes[nodeName]?.kubeletUp == true {
            clock.schedule(.podTerminated(pod: key, uid: meta.uid), after: timings.termination)
        }
    }

    mutating func finishTermination(_ key: String, uid: Int) {
        guard pods.withValue(key, { $0.meta.uid == uid }) == true else { return }
        if tracing, let p = pods[key] { note("kubelet", "\(p.nodeName ?? "?"): \(p.name) stopped and is gone") }
        removePod(key)
    }

    /// Deletes a pod (as `kubectl delete pod`): it terminates, and its owner replaces it.
    public mutating func deletePod(_ name: String, namespace: String = "default") throws(ClusterError) {
        let key = ObjectMeta.key(namespace, name)
        guard pods[key] != nil else { throw .notFound("pods", name) }
        deletePodGracefully(key)
    }
}
