import Foundation
import Testing
@testable import K8simCluster
@testable import K8simManifests

/// The project's copy of the seed's manifests (and files made from them).
enum Manifests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scripts/manifests")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    @discardableResult
    static func apply(_ name: String, to c: inout Cluster) throws -> [String] {
        var reader = ManifestReader(file: name)
        switch reader.read(try text(name)) {
        case .failure(let e): throw e
        case .success(let objects):
            switch ManifestApplier.apply(objects, to: &c) {
            case .success(let lines): return lines
            case .failure(let e): throw e
            }
        }
    }

    static func errors(_ yaml: String, file: String = "test.yaml") -> [String] {
        var reader = ManifestReader(file: file)
        switch reader.read(yaml) {
        case .failure(let e): return e.errors.map(\.description)
        case .success: return []
        }
    }
}

@Suite("Seed manifests")
struct SeedManifestTests {
    @Test func echoDeployAppliesVerbatim() throws {
        var c = Cluster()
        #expect(try Manifests.apply("echo-deploy.yaml", to: &c) == ["deployment.apps/echo-deploy created"])
        try c.settle()
        let d = try #require(c.deployment("echo-deploy"))
        #expect(d.status.availableReplicas == 4)
        #expect(d.spec.selector == ["app": "echo", "tier": "app"])
        #expect(d.spec.template.containers.map(\.image) == ["ghcr.io/subicura/echo:v1"])
        // Re-applying the same file changes nothing.
        #expect(try Manifests.apply("echo-deploy.yaml", to: &c) == ["deployment.apps/echo-deploy unchanged"])
    }

    @Test func redisCounterAndTheirServices() throws {
        var c = Cluster()
        #expect(try Manifests.apply("redis.yaml", to: &c) == ["deployment.apps/redis created", "service/redis created"])
        #expect(try Manifests.apply("counter.yaml", to: &c) == ["deployment.apps/counter created"])
        #expect(try Manifests.apply("counter-np.yaml", to: &c) == ["service/counter-np created"])
        #expect(try Manifests.apply("counter-lb.yaml", to: &c) == ["service/counter-lb created"])
        try c.settle()
        #expect(try c.request(host: "n1", port: 31000).get().body == "1")
        #expect(try c.request(host: "n3", port: 31000).get().body == "2")
        #expect(c.service("counter-lb")?.loadBalancerIP == nil)
        #expect(c.service("counter-lb")?.spec.ports.first?.target == .number(3000))
        #expect(throws: ManifestApplyError(kind: "Service", name: "counter-np2", cause: .invalid("Service", "counter-np2", field: "spec.ports[0].nodePort", "Invalid value: 31000: provided port is already allocated"))) {
            try Manifests.apply("counter-np2.yaml", to: &c)
        }
        #expect(throws: ManifestApplyError(kind: "Service", name: "counter-np80", cause: .invalid("Service", "counter-np80", field: "spec.ports[0].nodePort", "Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767"))) {
            try Manifests.apply("counter-np80.yaml", to: &c)
        }
    }

    @Test func theCompletedStrategyFragmentRollsOutThreeAtATime() throws {
        var c = Cluster()
        try Manifests.apply("echo-deploy.yaml", to: &c)
        try c.settle()
        #expect(try Manifests.apply("echo-deploy-strategy.yaml", to: &c) == ["deployment.apps/echo-deploy configured"])
        let d = try #require(c.deployment("echo-deploy"))
        #expect(d.spec.strategy == .rollingUpdate(maxSurge: .int(3), maxUnavailable: .int(3)))
        #expect(d.spec.minReadySeconds == 5)
        try c.reconcile()
        // At once: the new ReplicaSet surges to 3 (4 + 3 = 7 pods asked for), and the old one
        // drops to 1 (4 - 3 unavailable).
        let scaling = c.events.filter { $0.reason == "ScalingReplicaSet" }.map(\.message).dropFirst()
        #expect(scaling.first?.hasSuffix("from 0 to 3") == true)
        #expect(scaling.dropFirst().first?.hasSuffix("from 4 to 1") == true)
        var fewestAvailable = 4
        repeat {
            let d = try #require(c.deployment("echo-deploy"))
            let asked = c.replicaSets(of: d).reduce(0) { $0 + $1.replicas }
            #expect(asked <= 7)
            fewestAvailable = min(fewestAvailable, d.status.availableReplicas)
        } while try !c.isSettled && c.step()
        #expect(fewestAvailable == 1)
        #expect(c.deployment("echo-deploy")?.status.availableReplicas == 4)
    }

    @Test func theSeedsMetalLBPlaceholderIsRejectedAndARealRangeWorks() throws {
        var c = Cluster()
        #expect(throws: ManifestApplyError(kind: "ConfigMap", name: "config", cause: .refused("invalid address range \"192.xxx.xxx.xxx\": write two IPv4 addresses joined by '-' (10.64.140.43-10.64.140.49) or a CIDR (10.64.140.0/28)"))) {
            try Manifests.apply("metallb-config.yaml", to: &c)
        }
        #expect(c.configMaps.isEmpty && c.addressPools.isEmpty)
        try Manifests.apply("metallb-config-real.yaml", to: &c)
        try Manifests.apply("counter.yaml", to: &c)
        try Manifests.apply("counter-lb.yaml", to: &c)
        try c.settle()
        #expect(c.service("counter-lb")?.loadBalancerIP == "10.64.140.43")
    }

    @Test func recordedErrors() {
        #expect(Manifests.errors(try! Manifests.text("typo-replica.yaml"), file: "typo-replica.yaml") == [
            "typo-replica.yaml:6 (document 1): error when creating \"typo-replica.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\"",
        ])
        var c = Cluster()
        #expect(throws: ManifestApplyError(kind: "Deployment", name: "zero-strategy", cause: .invalid("Deployment", "zero-strategy", field: "spec.strategy.rollingUpdate.maxUnavailable", "Invalid value: 0: may not be 0 when `maxSurge` is 0"))) {
            try Manifests.apply("zero-strategy.yaml", to: &c)
        }
    }
}

@Suite("Manifest validation")
struct ValidationTests {
    static let good = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: ok
        data:
          a: b
        """

    @Test func aFileWithOneBadDocumentAppliesNothing() throws {
        let bad = Self.good + "\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: four\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx}]\n"
        let errors = Manifests.errors(bad)
        #expect(errors == ["test.yaml:13 (document 2): error when creating \"test.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: json: cannot unmarshal string into Go struct field spec.replicas of type int32 (found \"four\")"])
    }

    @Test(arguments: [
        ("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n    targetport: 8080\n",
         "test.yaml:8 (document 1): error when creating \"test.yaml\": Service in version \"v1\" cannot be handled as a Service: strict decoding error: unknown field \"spec.ports[0].targetport\""),
        ("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - protocol: TCP\n",
         "test.yaml:7 (document 1): The Service \"s\" is invalid: spec.ports[0].port: Required value"),
        ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels: {a: b}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers:\n      - name: c\n",
         "test.yaml:12 (document 1): The Deployment \"d\" is invalid: spec.template.spec.containers[0].image: Required value"),
        ("apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: d\n",
         "test.yaml:1 (document 1): resource mapping not found for name: \"d\" namespace: \"\" from \"test.yaml\": no matches for kind \"Deployment\" in version \"apps/v1beta1\"; ensure CRDs are installed first"),
        ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n",
         "test.yaml:2 (document 1): resource mapping not found for kind \"Secret\" in version \"v1\": k8sim reads Deployment, ReplicaSet, Pod, Service, ConfigMap and Namespace"),
        ("- a\n- b\n", "test.yaml:1 (document 1): error validating \"test.yaml\": the document is a list, not an object with apiVersion and kind"),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: [1, 2]\n",
         "test.yaml:5 (document 1): error when creating \"test.yaml\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: data: expected a map of strings, found a list"),
        ("kind: ConfigMap\nmetadata: {name: c}\n", "test.yaml:1 (document 1): error validating data: apiVersion not set"),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c\n", "test.yaml:4: error converting YAML to JSON: yaml: line 4: while parsing a flow mapping did not find expected ',' or '}'"),
    ])
    func badManifests(yaml: String, message: String) {
        #expect(Manifests.errors(yaml) == [message])
    }

    @Test func unmodelledFieldsAreWarnedAboutNotRejected() {
        var reader = ManifestReader(file: "w.yaml")
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  restartPolicy: Always\n  containers:\n  - name: c\n    image: nginx\n    imagePullPolicy: Always\n"
        guard case .success(let objects) = reader.read(yaml) else { Issue.record("did not read"); return }
        #expect(objects.count == 1)
        #expect(reader.warnings == ["w.yaml:5: k8sim does not model spec.restartPolicy; it is ignored",
                                    "w.yaml:9: k8sim does not model spec.containers[0].imagePullPolicy; it is ignored"])
    }

    @Test func nonsenseNeverCrashes() {
        var rng = SplitMix64(seed: 3)
        let alphabet = Array("abc: -[]{}\n\t'\"&*!|>%@`#,?0123456789".utf8)
        for _ in 0..<300 {
            let n = Int(rng.next() % 400)
            let bytes = (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            var reader = ManifestReader(file: "x.yaml")
            _ = reader.read(String(decoding: bytes, as: UTF8.self))
        }
        // Ten megabytes of nonsense: an error, quickly.
        let big = String(repeating: "{[a: b, c]} ", count: 900_000)
        #expect(!Manifests.errors(big).isEmpty)
        #expect(Manifests.errors(String(repeating: "[", count: 10_000)).first?.contains("nests more than 64 levels") == true)
    }
}

@Suite("Export")
struct ExportTests {
    func export(_ c: Cluster, _ kind: String? = nil, _ name: String? = nil) throws -> String {
        try ManifestWriter.export(c, kind: kind, name: name).get()
    }

    @Test func everyKindRoundTrips() throws {
        var c = Cluster()
        try Manifests.apply("redis.yaml", to: &c)
        try Manifests.apply("counter.yaml", to: &c)
        try Manifests.apply("counter-np.yaml", to: &c)
        try Manifests.apply("counter-lb.yaml", to: &c)
        try Manifests.apply("echo-deploy-strategy.yaml", to: &c)
        try c.applyNamespace("team")
        try c.applyConfigMap(name: "settings", namespace: "team", data: ["mode": "fast", "n": "3"])
        try c.applyPod(name: "lonely", template: PodTemplate(labels: ["run": "lonely"], containers: [Container(name: "c", image: "nginx:1.27")]))
        try c.applyReplicaSet(name: "bare", replicas: 2, selector: ["app": "bare"],
                              template: PodTemplate(labels: ["app": "bare"], containers: [Container(name: "c", image: "nginx")]))
        var withEnv = echoLikeSpec()
        withEnv.template.containers[0].env = [EnvVar(name: "A", value: "1"), EnvVar(name: "B", configMap: "settings", key: "mode")]
        withEnv.template.containers[0].envFrom = ["settings"]
        withEnv.template.containers[0].cpuMillis = 250
        withEnv.template.containers[0].memoryBytes = 64 << 20
        withEnv.strategy = .recreate
        withEnv.revisionHistoryLimit = 3
        try c.applyDeployment(name: "full", spec: withEnv, labels: ["app": "full"], annotations: ["kubernetes.io/change-cause": "first"])
        try c.settle()
        let first = try export(c)
        var fresh = Cluster()
        var reader = ManifestReader(file: "export.yaml")
        let objects = try reader.read(first).get()
        #expect(objects.count == 11)
        _ = try ManifestApplier.apply(objects, to: &fresh).get()
        try fresh.settle()
        #expect(try export(fresh) == first)
        #expect(!first.contains("uid:") && !first.contains("deployment.kubernetes.io/revision") && !first.contains("clusterIP"))
    }

    func echoLikeSpec() -> DeploymentSpec {
        DeploymentSpec(selector: ["app": "full"], template: PodTemplate(labels: ["app": "full"], containers: [Container(name: "full", image: "nginx:1.27")]))
    }

    @Test func oneObjectAndMissingOnes() throws {
        var c = Cluster()
        try Manifests.apply("echo-deploy.yaml", to: &c)
        let yaml = try export(c, "deployment", "echo-deploy")
        #expect(yaml == """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              creationTimestamp: null
              name: echo-deploy
            spec:
              replicas: 4
              selector:
                matchLabels:
                  app: echo
                  tier: app
              strategy: {}
              template:
                metadata:
                  creationTimestamp: null
                  labels:
                    app: echo
                    tier: app
                spec:
                  containers:
                  - image: ghcr.io/subicura/echo:v1
                    name: echo
                    resources: {}
            status: {}

            """)
        #expect(throws: ClusterError.notFound("deployments", "nope")) { _ = try export(c, "deployment", "nope") }
    }
}

/// MetalLB's own YAML inside its ConfigMap, read with the YAML library.
@Suite("MetalLB config")
struct MetalLBConfigTests {
    static let seedConfig = """
        address-pools:
        - name: default
          protocol: layer2
          addresses:
          - 192.xxx.xxx.xxx
        """

    @Test func theSeedsPlaceholderIsRejectedNamingTheRange() throws {
        #expect(throws: ClusterError.refused("invalid address range \"192.xxx.xxx.xxx\": write two IPv4 addresses joined by '-' (10.64.140.43-10.64.140.49) or a CIDR (10.64.140.0/28)")) {
            _ = try MetalLBConfig.pools(from: Self.seedConfig)
        }
    }

    @Test func aRealRangeIsAPool() throws {
        let config = Self.seedConfig.replacingOccurrences(of: "192.xxx.xxx.xxx", with: "10.64.140.43-10.64.140.49")
        #expect(try MetalLBConfig.pools(from: config) == [AddressPool.parse(range: "10.64.140.43-10.64.140.49")])
    }

    /// What the line-by-line reader it replaced got wrong: quoted values, flow lists, comments.
    @Test func anyYAMLLayoutReadsTheSame() throws {
        let config = """
            # pools for the lesson
            address-pools:
              - {name: "lab", protocol: "layer2", addresses: ["10.64.140.43-10.64.140.44", 10.64.140.0/30]}  # two ranges
            """
        let pools = try MetalLBConfig.pools(from: config)
        #expect(pools.map(\.name) == ["lab", "lab"] && pools.map(\.first) == [0x0A40_8C2B, 0x0A40_8C00])
        #expect(throws: ClusterError.refused("metallb pool \"b\": k8sim models the layer2 protocol only, not \"bgp\"")) {
            _ = try MetalLBConfig.pools(from: "address-pools:\n- name: b\n  protocol: bgp\n  addresses: [10.0.0.1-10.0.0.2]")
        }
        #expect(throws: ClusterError.refused("metallb config has no address-pools with addresses")) { _ = try MetalLBConfig.pools(from: "peers: []") }
        #expect(throws: ClusterError.self) { _ = try MetalLBConfig.pools(from: "address-pools: [") }
    }
}
