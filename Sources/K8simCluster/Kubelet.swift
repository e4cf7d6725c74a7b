/// The kubelet: pulls images and starts containers (taking virtual time), restarts crashed
/// containers with back-off, and stops the containers of deleted pods.
extension Cluster {
    /// `redis` means `redis:latest`; digests and tags stay as written.
    public static func normalizedImage(_ image: String) -> String {
        let lastSlash = image.lastIndex(of: "/").map { image.index(after: $0) } ?? image.startIndex
        let tail = image[lastSlash...]
        return tail.contains(":") || tail.contains("@") ? image : image + ":latest"
    }

    /// Makes pulls of `image` fail (`registry remove`) or succeed again (`registry add`).
    public mutating func setImageAvailable(_ image: String, _ available: Bool) {
        let name = Self.normalizedImage(image)
        if available { missingImages.remove(name) } else { missingImages.insert(name) }
    }

    /// A bound pod on a live node: pull the image (unless the node has it), then start.
    mutating func startPod(_ key: String) {
        guard let pod = pods[key], let nodeName = pod.nodeName, let node = nodes[nodeName] else { return }
        let uid = pod.meta.uid
        let image = Self.normalizedImage(pod.template.containers.first?.image ?? "")
        let ns = pod.meta.namespace
        if node.images.contains(image) {
            record("Pulled", "pod/\(pod.name)", "Container image \"\(pod.template.containers.first?.image ?? image)\" already present on machine",
                   source: "kubelet", namespace: ns)
            clock.schedule(.kubelet(pod: key, uid: uid, step: .started), after: timings.containerStart)
        } else {
            record("Pulling", "pod/\(pod.name)", "Pulling image \"\(pod.template.containers.first?.image ?? image)\"", source: "kubelet", namespace: ns)
            clock.schedule(.kubelet(pod: key, uid: uid, step: .pulled), after: timings.imagePull)
        }
    }

    mutating func kubeletStep(_ key: String, uid: Int, _ step: KubeletStep) {
        guard var pod = pods[key], pod.meta.uid == uid, !pod.isTerminating, let nodeName = pod.nodeName,
              let node = nodes[nodeName], node.kubeletUp else { return }
        let ns = pod.meta.namespace
        let shownImage = pod.template.containers.first?.image ?? ""
        let image = Self.normalizedImage(shownImage)
        switch step {
        case .backOff:
            guard pod.pullFailures > 0, case .waiting? = pod.containerStatuses.first?.state else { return }
            setWaiting(&pod, reason: "ImagePullBackOff", message: "Back-off pulling image \"\(shownImage)\"")
            pods[key] = pod
            record("BackOff", "pod/\(pod.name)", "Back-off pulling image \"\(shownImage)\"", source: "kubelet", namespace: ns)
            record(.warning, "Failed", "pod/\(pod.name)", "Error: ImagePullBackOff", source: "kubelet", namespace: ns)
        case .pulled, .retryPull:
            if missingImages.contains(image) {
                let message = "failed to pull and unpack image \"\(image)\": not found"
                record(.warning, "Failed", "pod/\(pod.name)", "Failed to pull image \"\(shownImage)\": \(message)", source: "kubelet", namespace: ns)
                record(.warning, "Failed", "pod/\(pod.name)", "Error: ErrImagePull", source: "kubelet", namespace: ns)
                note("kubelet", "\(nodeName): pulling \(shownImage) for \(pod.name) failed; backing off")
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
            nodes[nodeName]?.images.insert(image)
            record("Pulled", "pod/\(pod.name)", "Successfully pulled image \"\(shownImage)\" in \(Self.format(timings.imagePull)) (\(Self.format(timings.imagePull)) including waiting)",
                   source: "kubelet", namespace: ns)
            clock.schedule(.kubelet(pod: key, uid: uid, step: .started), after: timings.containerStart)
        case .started, .restart:
            do {
                _ = try environment(of: pod)
            } catch {
                // Started again when the ConfigMap appears.
                setWaiting(&pod, reason: "CreateContainerConfigError", message: error.message)
                pods[key] = pod
                record(.warning, "Failed", "pod/\(pod.name)", "Error: \(error.message)", source: "kubelet", namespace: ns)
                return
            }
            for i in pod.containerStatuses.indices {
                if step == .restart { pod.containerStatuses[i].restartCount += 1 }
                pod.containerStatuses[i].state = .running(startedAt: now)
                pod.containerStatuses[i].ready = true
                record("Created", "pod/\(pod.name)", "Created container: \(pod.containerStatuses[i].name)", source: "kubelet", namespace: ns)
                record("Started", "pod/\(pod.name)", "Started container \(pod.containerStatuses[i].name)", source: "kubelet", namespace: ns)
            }
            pod.phase = .running
            pod.reason = nil
            pod.readySince = now
            pods[key] = pod
            note("kubelet", "\(nodeName): started \(pod.name); it is Running and Ready")
            podChanged(pod)
            if let owner = pod.meta.owner, let rs = replicaSets["\(ns)/\(owner.name)"], rs.minReadySeconds > 0 {
                clock.schedule(.availability(replicaSet: rs.meta.key), after: Millis(rs.minReadySeconds) * 1000)
            }
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
        let key = "\(namespace)/\(name)"
        guard var pod = pods[key] else { throw .notFound("pods", name) }
        guard !pod.isTerminating, pod.phase == .running, let nodeName = pod.nodeName, nodes[nodeName]?.kubeletUp == true else {
            throw ClusterError("pod \"\(name)\" has no running container to crash")
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
        record(.warning, "BackOff", "pod/\(name)", "Back-off restarting failed container \(c) in pod \(name)_\(namespace)(\(pod.meta.uid))",
               source: "kubelet", namespace: namespace)
        note("kubelet", "\(nodeName): container of \(name) exited; restarting after back-off")
        podChanged(pod)
        clock.schedule(.kubelet(pod: key, uid: pod.meta.uid, step: .restart), after: backOffDelay(restarts))
    }

    /// Marks a pod for deletion. Its containers stop after the grace period, if its node is
    /// alive to stop them; otherwise it stays Terminating until the node comes back.
    mutating func deletePodGracefully(_ key: String) {
        guard var pod = pods[key], !pod.isTerminating else { return }
        pod.meta.deletionTime = now
        pod.readySince = nil
        for i in pod.containerStatuses.indices { pod.containerStatuses[i].ready = false }
        pods[key] = pod
        parked.remove(key)
        unscheduled.remove(key)
        podChanged(pod)
        guard let nodeName = pod.nodeName else {
            removePod(key)
            return
        }
        if nodes[nodeName]?.kubeletUp == true {
            clock.schedule(.podTerminated(pod: key, uid: pod.meta.uid), after: timings.termination)
        }
    }

    mutating func finishTermination(_ key: String, uid: Int) {
        guard let pod = pods[key], pod.meta.uid == uid else { return }
        note("kubelet", "\(pod.nodeName ?? "?"): \(pod.name) stopped and is gone")
        removePod(key)
    }

    /// Deletes a pod (as `kubectl delete pod`): it terminates, and its owner replaces it.
    public mutating func deletePod(_ name: String, namespace: String = "default") throws(ClusterError) {
        let key = "\(namespace)/\(name)"
        guard pods[key] != nil else { throw .notFound("pods", name) }
        deletePodGracefully(key)
    }
}
