import K8simCluster
import OrderedCollections
import Yams

/// Yams' node; the cluster model has a YNode of its own.
typealias YNode = Yams.Node

/// A problem in a manifest file, naming the document, the field's path and its line.
public struct ManifestError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based; nil for problems with the file as a whole (its size, its YAML syntax).
    public var document: Int?
    public var line: Int?
    public var message: String

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let document { place += " (document \(document))" }
        return "\(place): \(message)"
    }
}

/// Every problem found in a file; nothing in it is applied.
public struct ManifestErrors: Error, Sendable {
    public var errors: [ManifestError]
    public init(_ errors: [ManifestError]) { self.errors = errors }
}

/// One object read from a manifest, ready to be applied.
public enum ManifestObject: Sendable {
    case deployment(name: String, namespace: String, labels: OrderedDictionary<String, String>,
                    annotations: OrderedDictionary<String, String>, spec: DeploymentSpec)
    case replicaSet(name: String, namespace: String, labels: OrderedDictionary<String, String>, replicas: Int,
                    selector: OrderedDictionary<String, String>, template: PodTemplate, minReadySeconds: Int)
    case pod(name: String, namespace: String, labels: OrderedDictionary<String, String>, template: PodTemplate)
    case service(name: String, namespace: String, labels: OrderedDictionary<String, String>, spec: ServiceSpec)
    case configMap(name: String, namespace: String, data: OrderedDictionary<String, String>)
    case namespace(name: String)

    public var kind: String {
        switch self {
        case .deployment: return "Deployment"
        case .replicaSet: return "ReplicaSet"
        case .pod: return "Pod"
        case .service: return "Service"
        case .configMap: return "ConfigMap"
        case .namespace: return "Namespace"
        }
    }

    public var name: String {
        switch self {
        case .deployment(let n, _, _, _, _), .replicaSet(let n, _, _, _, _, _, _), .pod(let n, _, _, _), .service(let n, _, _, _),
             .configMap(let n, _, _), .namespace(let n):
            return n
        }
    }
}

/// Reads Kubernetes YAML as `kubectl apply` does: every document is decoded strictly
/// (unknown fields are errors), checked, and turned into model objects. Fields Kubernetes
/// has but k8sim does not model are accepted with a warning.
public struct ManifestReader {

    public let file: String
    public private(set) var warnings: [String] = []
    var errors: [ManifestError] = []
    var document = 0

    public init(file: String) { self.file = file }

    /// Every object in the file, or every error found (and then nothing is to be applied).
    public mutating func read(_ text: String) -> Result<[ManifestObject], ManifestErrors> {
        if text.utf8.count > Limits.manifestBytes {
            return .failure(ManifestErrors([ManifestError(file: file, message: "the file is \(text.utf8.count) bytes; k8sim reads manifests of at most \(Limits.manifestBytes) bytes")]))
        }
        if let deep = Self.tooDeep(text) {
            return .failure(ManifestErrors([ManifestError(file: file, line: deep, message: "the YAML nests more than \(Limits.yamlDepth) levels deep")]))
        }
        var nodes: [(YNode, Int)] = []
        do {
            let parser = try Parser(yaml: text)
            while let node = try parser.nextRoot() {
                nodes.append((node, (node.mark?.line ?? 1)))
            }
        } catch let e as YamlError {
            return .failure(ManifestErrors([ManifestError(file: file, line: Self.line(of: e), message: "error converting YAML to JSON: \(Self.describe(e))")]))
        } catch {
            return .failure(ManifestErrors([ManifestError(file: file, message: "error converting YAML to JSON: \(error)")]))
        }
        var objects: [ManifestObject] = []
        for (i, (node, _)) in nodes.enumerated() {
            document = i + 1
            if case .scalar(let s) = node, s.string.isEmpty || s.tag.description.hasSuffix("null") { continue }
            if let object = decodeObject(node) { objects.append(object) }
        }
        if !errors.isEmpty { return .failure(ManifestErrors(errors)) }
        if objects.isEmpty { return .failure(ManifestErrors([ManifestError(file: file, message: "no objects passed to apply")])) }
        return .success(objects)
    }

    static func line(of e: YamlError) -> Int? {
        switch e {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    static func describe(_ e: YamlError) -> String {
        switch e {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let where_ = context.map { "\($0.text) " } ?? ""
            return "yaml: line \(mark.line): \(where_)\(problem)"
        default:
            return "\(e)"
        }
    }

    /// The first line where brackets or indentation nest deeper than the limit.
    static func tooDeep(_ text: String) -> Int? {
        var depth = 0, line = 1
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > Limits.yamlDepth { return line }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
            case UInt8(ascii: "\n"):
                line += 1
            default: break
            }
        }
        line = 1
        for l in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if l.prefix(while: { $0 == " " }).count > Limits.yamlDepth * 4 { return line }
            line += 1
        }
        return nil
    }

    // MARK: Errors and field access

    mutating func fail(_ node: YNode?, _ message: String) {
        errors.append(ManifestError(file: file, document: document, line: node?.mark?.line, message: message))
    }

    /// kubectl's words for a document it cannot decode.
    func strict(_ kind: String, _ apiVersion: String) -> String {
        "error when creating \"\(file)\": \(kind) in version \"\(apiVersion.split(separator: "/").last.map(String.init) ?? apiVersion)\" cannot be handled as a \(kind): strict decoding error: "
    }

    /// Checks a mapping's keys; returns the mapping, or nil (with an error) if it is not one.
    mutating func mapping(_ node: YNode, _ path: String, known: Set<String>, ignored: Set<String> = [], context: String)
        -> YNode.Mapping? {
        guard case .mapping(let m) = node else {
            if case .scalar(let s) = node, s.tag.description.hasSuffix("null") { return YNode.Mapping([]) }
            fail(node, "\(context)\(path.isEmpty ? "the document" : path): expected a map, found \(Self.shape(node))")
            return nil
        }
        for (key, value) in m {
            let k = key.string ?? ""
            let full = path.isEmpty ? k : "\(path).\(k)"
            if known.contains(k) { continue }
            if ignored.contains(k) {
                warnings.append("\(file):\(key.mark?.line ?? 0): k8sim does not model \(full); it is ignored")
                continue
            }
            _ = value
            fail(key, "\(context)unknown field \"\(full)\"")
        }
        return m
    }

    static func shape(_ node: YNode) -> String {
        switch node {
        case .mapping: return "a map"
        case .sequence: return "a list"
        case .scalar(let s): return "\"\(s.string)\""
        case .alias: return "an alias"
        }
    }

    mutating func string(_ node: YNode?, _ path: String, context: String) -> String? {
        guard let node else { return nil }
        guard case .scalar(let s) = node, !(s.tag.description.hasSuffix("null")) else {
            if case .scalar = node { return nil }
            fail(node, "\(context)\(path): expected a string, found \(Self.shape(node))")
            return nil
        }
        return s.string
    }

    mutating func int(_ node: YNode?, _ path: String, context: String) -> Int? {
        guard let node else { return nil }
        guard case .scalar(let s) = node else {
            fail(node, "\(context)\(path): expected an integer, found \(Self.shape(node))")
            return nil
        }
        guard s.style == YNode.Scalar.Style.plain, let n = Int(s.string), n >= Int(Int32.min), n <= Int(Int32.max) else {
            fail(node, "\(context)json: cannot unmarshal string into Go struct field \(path) of type int32 (found \"\(s.string)\")")
            return nil
        }
        return n
    }

    mutating func bool(_ node: YNode?, _ path: String, context: String) -> Bool? {
        guard let node else { return nil }
        guard case .scalar(let s) = node, s.style == YNode.Scalar.Style.plain, ["true", "false"].contains(s.string) else {
            fail(node, "\(context)\(path): expected true or false, found \(Self.shape(node))")
            return nil
        }
        return s.string == "true"
    }

    mutating func intOrString(_ node: YNode?, _ path: String, context: String) -> IntOrString? {
        guard let node else { return nil }
        guard case .scalar(let s) = node else {
            fail(node, "\(context)\(path): expected a number or a percentage, found \(Self.shape(node))")
            return nil
        }
        if s.style == YNode.Scalar.Style.plain, let n = Int(s.string) { return .int(n) }
        return .string(s.string)
    }

    mutating func stringMap(_ node: YNode?, _ path: String, context: String) -> OrderedDictionary<String, String> {
        guard let node else { return [:] }
        guard case .mapping(let m) = node else {
            if case .scalar(let s) = node, s.tag.description.hasSuffix("null") { return [:] }
            fail(node, "\(context)\(path): expected a map of strings, found \(Self.shape(node))")
            return [:]
        }
        var out: OrderedDictionary<String, String> = [:]
        for (k, v) in m {
            guard case .scalar(let ks) = k, case .scalar(let vs) = v else {
                fail(v, "\(context)\(path).\(k.string ?? ""): expected a string, found \(Self.shape(v))")
                continue
            }
            out[ks.string] = vs.tag.description.hasSuffix("null") ? "" : vs.string
        }
        return out
    }

    mutating func list(_ node: YNode?, _ path: String, context: String) -> [YNode] {
        guard let node else { return [] }
        guard case .sequence(let s) = node else {
            if case .scalar(let sc) = node, sc.tag.description.hasSuffix("null") { return [] }
            fail(node, "\(context)\(path): expected a list, found \(Self.shape(node))")
            return []
        }
        return Array(s)
    }

    // MARK: Objects

    static let metadataFields: Set<String> = [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    ]

    mutating func decodeObject(_ node: YNode) -> ManifestObject? {
        guard case .mapping(let top) = node else {
            fail(node, "error validating \"\(file)\": the document is \(Self.shape(node)), not an object with apiVersion and kind")
            return nil
        }
        guard let kind = top["kind"]?.string, !kind.isEmpty else {
            fail(node, "error validating data: [apiVersion not set, kind not set]" .replacingKindMessage(hasAPIVersion: top["apiVersion"] != nil))
            return nil
        }
        guard let apiVersion = top["apiVersion"]?.string, !apiVersion.isEmpty else {
            fail(node, "error validating data: apiVersion not set")
            return nil
        }
        let expected: [String: String] = ["Deployment": "apps/v1", "ReplicaSet": "apps/v1", "Pod": "v1", "Service": "v1",
                                          "ConfigMap": "v1", "Namespace": "v1"]
        guard let version = expected[kind] else {
            fail(top["kind"], "resource mapping not found for kind \"\(kind)\" in version \"\(apiVersion)\": k8sim reads Deployment, ReplicaSet, Pod, Service, ConfigMap and Namespace")
            return nil
        }
        guard apiVersion == version else {
            fail(top["apiVersion"], "resource mapping not found for name: \"\(top["metadata"]?.mapping?["name"]?.string ?? "")\" namespace: \"\" from \"\(file)\": no matches for kind \"\(kind)\" in version \"\(apiVersion)\"; ensure CRDs are installed first")
            return nil
        }
        let context = strict(kind, apiVersion)
        let topFields: Set<String> = kind == "ConfigMap" ? ["apiVersion", "kind", "metadata", "data", "binaryData", "immutable"]
            : ["apiVersion", "kind", "metadata", "spec", "status"]
        guard let object = mapping(node, "", known: topFields, context: context) else { return nil }
        guard let metaNode = object["metadata"], let meta = mapping(metaNode, "metadata", known: Self.metadataFields, context: context) else {
            fail(node, "error validating \"\(file)\": \(kind) has no metadata: resource name may not be empty")
            return nil
        }
        guard let name = string(meta["name"], "metadata.name", context: context), !name.isEmpty else {
            fail(metaNode, "error when creating \"\(file)\": resource name may not be empty")
            return nil
        }
        let namespace = string(meta["namespace"], "metadata.namespace", context: context) ?? "default"
        let labels = stringMap(meta["labels"], "metadata.labels", context: context)
        let annotations = stringMap(meta["annotations"], "metadata.annotations", context: context)
        switch kind {
        case "ConfigMap":
            return .configMap(name: name, namespace: namespace, data: stringMap(object["data"], "data", context: context))
        case "Namespace":
            return .namespace(name: name)
        case "Service":
            guard let spec = serviceSpec(object["spec"], name: name, context: context) else { return nil }
            return .service(name: name, namespace: namespace, labels: labels, spec: spec)
        case "Pod":
            guard let specNode = object["spec"] else { fail(node, "The Pod \"\(name)\" is invalid: spec.containers: Required value"); return nil }
            guard let template = podSpec(specNode, "spec", labels: labels, annotations: [:], owner: "Pod", name: name, context: context) else { return nil }
            return .pod(name: name, namespace: namespace, labels: labels, template: template)
        default:
            return workload(kind, object, name: name, namespace: namespace, labels: labels, annotations: annotations, context: context)
        }
    }

    mutating func workload(_ kind: String, _ object: YNode.Mapping, name: String, namespace: String,
                           labels: OrderedDictionary<String, String>, annotations: OrderedDictionary<String, String>,
                           context: String) -> ManifestObject? {
        let known: Set<String> = kind == "Deployment"
            ? ["replicas", "selector", "template", "strategy", "minReadySeconds", "revisionHistoryLimit", "paused", "progressDeadlineSeconds"]
            : ["replicas", "selector", "template", "minReadySeconds"]
        guard let specNode = object["spec"] else {
            fail(nil, "The \(kind) \"\(name)\" is invalid: spec.selector: Required value")
            return nil
        }
        guard let spec = mapping(specNode, "spec", known: known, context: context) else { return nil }
        let errorsBefore = errors.count
        guard let selectorNode = spec["selector"] else {
            fail(specNode, "The \(kind) \"\(name)\" is invalid: spec.selector: Required value")
            return nil
        }
        var selector: OrderedDictionary<String, String> = [:]
        if let sel = mapping(selectorNode, "spec.selector", known: ["matchLabels"], ignored: [], context: context) {
            if sel["matchExpressions"] != nil { fail(selectorNode, "spec.selector.matchExpressions: k8sim selects by matchLabels only") }
            selector = stringMap(sel["matchLabels"], "spec.selector.matchLabels", context: context)
        }
        guard let templateNode = spec["template"] else {
            fail(specNode, "The \(kind) \"\(name)\" is invalid: spec.template.spec.containers: Required value")
            return nil
        }
        guard let t = mapping(templateNode, "spec.template", known: ["metadata", "spec"], context: context) else { return nil }
        var tLabels: OrderedDictionary<String, String> = [:]
        var tAnnotations: OrderedDictionary<String, String> = [:]
        if let tm = t["metadata"], let tmeta = mapping(tm, "spec.template.metadata", known: Self.metadataFields, context: context) {
            tLabels = stringMap(tmeta["labels"], "spec.template.metadata.labels", context: context)
            tAnnotations = stringMap(tmeta["annotations"], "spec.template.metadata.annotations", context: context)
        }
        guard let podSpecNode = t["spec"] else {
            fail(templateNode, "The \(kind) \"\(name)\" is invalid: spec.template.spec.containers: Required value")
            return nil
        }
        guard let template = podSpec(podSpecNode, "spec.template.spec", labels: tLabels, annotations: tAnnotations, owner: kind, name: name, context: context)
        else { return nil }
        let replicas = int(spec["replicas"], "spec.replicas", context: context) ?? 1
        let minReady = int(spec["minReadySeconds"], "spec.minReadySeconds", context: context) ?? 0
        if kind == "ReplicaSet" {
            guard errors.count == errorsBefore else { return nil }
            return .replicaSet(name: name, namespace: namespace, labels: labels, replicas: replicas, selector: selector,
                               template: template, minReadySeconds: minReady)
        }
        var d = DeploymentSpec(selector: selector, template: template)
        d.replicas = replicas
        d.minReadySeconds = minReady
        if spec["revisionHistoryLimit"] != nil { d.revisionHistoryLimit = int(spec["revisionHistoryLimit"], "spec.revisionHistoryLimit", context: context) }
        if spec["progressDeadlineSeconds"] != nil { d.progressDeadlineSeconds = int(spec["progressDeadlineSeconds"], "spec.progressDeadlineSeconds", context: context) }
        d.paused = bool(spec["paused"], "spec.paused", context: context) ?? false
        if let strategyNode = spec["strategy"], let st = mapping(strategyNode, "spec.strategy", known: ["type", "rollingUpdate"], context: context) {
            let type = string(st["type"], "spec.strategy.type", context: context) ?? "RollingUpdate"
            switch type {
            case "Recreate":
                if st["rollingUpdate"] != nil {
                    fail(st["rollingUpdate"], "The Deployment \"\(name)\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'")
                }
                d.strategy = .recreate
            case "RollingUpdate":
                var surge: IntOrString? = .string("25%"), unavailable: IntOrString? = .string("25%")
                if let ruNode = st["rollingUpdate"], let ru = mapping(ruNode, "spec.strategy.rollingUpdate", known: ["maxSurge", "maxUnavailable"], context: context) {
                    if ru["maxSurge"] != nil { surge = intOrString(ru["maxSurge"], "spec.strategy.rollingUpdate.maxSurge", context: context) }
                    if ru["maxUnavailable"] != nil { unavailable = intOrString(ru["maxUnavailable"], "spec.strategy.rollingUpdate.maxUnavailable", context: context) }
                }
                d.strategy = .rollingUpdate(maxSurge: surge, maxUnavailable: unavailable)
            default:
                fail(st["type"], "The Deployment \"\(name)\" is invalid: spec.strategy.type: Unsupported value: \"\(type)\": supported values: \"Recreate\", \"RollingUpdate\"")
            }
        }
        guard errors.count == errorsBefore else { return nil }
        return .deployment(name: name, namespace: namespace, labels: labels, annotations: annotations, spec: d)
    }

    static let podSpecIgnored: Set<String> = [
        "restartPolicy", "terminationGracePeriodSeconds", "activeDeadlineSeconds", "dnsPolicy", "nodeSelector", "serviceAccountName",
        "serviceAccount", "automountServiceAccountToken", "nodeName", "hostNetwork", "hostPID", "hostIPC", "securityContext",
        "imagePullSecrets", "hostname", "subdomain", "affinity", "schedulerName", "tolerations", "hostAliases", "priorityClassName",
        "priority", "dnsConfig", "readinessGates", "runtimeClassName", "enableServiceLinks", "preemptionPolicy", "overhead",
        "topologySpreadConstraints", "setHostnameAsFQDN", "os", "volumes", "initContainers", "ephemeralContainers", "shareProcessNamespace",
    ]
    static let containerIgnored: Set<String> = [
        "command", "args", "workingDir", "volumeMounts", "volumeDevices", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle",
        "terminationMessagePath", "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty",
        "resizePolicy", "restartPolicy",
    ]

    mutating func podSpec(_ node: YNode, _ path: String, labels: OrderedDictionary<String, String>, annotations: OrderedDictionary<String, String>,
                          owner: String, name: String, context: String) -> PodTemplate? {
        guard let spec = mapping(node, path, known: ["containers"], ignored: Self.podSpecIgnored, context: context) else { return nil }
        let items = list(spec["containers"], "\(path).containers", context: context)
        if items.isEmpty {
            fail(node, "The \(owner) \"\(name)\" is invalid: \(path).containers: Required value")
            return nil
        }
        var containers: [Container] = []
        for (i, item) in items.enumerated() {
            let cpath = "\(path).containers[\(i)]"
            guard let c = mapping(item, cpath, known: ["name", "image", "ports", "env", "envFrom", "resources"],
                                  ignored: Self.containerIgnored, context: context) else { continue }
            guard let cname = string(c["name"], "\(cpath).name", context: context), !cname.isEmpty else {
                fail(item, "The \(owner) \"\(name)\" is invalid: \(cpath).name: Required value")
                continue
            }
            guard let image = string(c["image"], "\(cpath).image", context: context), !image.isEmpty else {
                fail(item, "The \(owner) \"\(name)\" is invalid: \(cpath).image: Required value")
                continue
            }
            var container = Container(name: cname, image: image)
            for (j, p) in list(c["ports"], "\(cpath).ports", context: context).enumerated() {
                let ppath = "\(cpath).ports[\(j)]"
                guard let pm = mapping(p, ppath, known: ["containerPort", "name", "protocol"], ignored: ["hostPort", "hostIP"], context: context) else { continue }
                guard let port = int(pm["containerPort"], "\(ppath).containerPort", context: context) else {
                    if pm["containerPort"] == nil { fail(p, "The \(owner) \"\(name)\" is invalid: \(ppath).containerPort: Required value") }
                    continue
                }
                container.ports.append(ContainerPort(name: string(pm["name"], "\(ppath).name", context: context), containerPort: port,
                                                     proto: string(pm["protocol"], "\(ppath).protocol", context: context) ?? "TCP"))
            }
            for (j, e) in list(c["env"], "\(cpath).env", context: context).enumerated() {
                let epath = "\(cpath).env[\(j)]"
                guard let em = mapping(e, epath, known: ["name", "value", "valueFrom"], context: context),
                      let ename = string(em["name"], "\(epath).name", context: context) else { continue }
                if let vf = em["valueFrom"] {
                    guard let vfm = mapping(vf, "\(epath).valueFrom", known: ["configMapKeyRef"], ignored: ["secretKeyRef", "fieldRef", "resourceFieldRef"], context: context),
                          let refNode = vfm["configMapKeyRef"],
                          let ref = mapping(refNode, "\(epath).valueFrom.configMapKeyRef", known: ["name", "key", "optional"], context: context),
                          let cm = string(ref["name"], "\(epath).valueFrom.configMapKeyRef.name", context: context),
                          let key = string(ref["key"], "\(epath).valueFrom.configMapKeyRef.key", context: context) else { continue }
                    container.env.append(EnvVar(name: ename, configMap: cm, key: key))
                } else {
                    container.env.append(EnvVar(name: ename, value: string(em["value"], "\(epath).value", context: context) ?? ""))
                }
            }
            for (j, e) in list(c["envFrom"], "\(cpath).envFrom", context: context).enumerated() {
                let epath = "\(cpath).envFrom[\(j)]"
                guard let em = mapping(e, epath, known: ["configMapRef"], ignored: ["secretRef", "prefix"], context: context),
                      let refNode = em["configMapRef"],
                      let ref = mapping(refNode, "\(epath).configMapRef", known: ["name", "optional"], context: context),
                      let cm = string(ref["name"], "\(epath).configMapRef.name", context: context) else { continue }
                container.envFrom.append(cm)
            }
            if let r = c["resources"], let res = mapping(r, "\(cpath).resources", known: ["requests", "limits"], ignored: ["claims"], context: context),
               let reqNode = res["requests"] {
                let req = stringMap(reqNode, "\(cpath).resources.requests", context: context)
                if let cpu = req["cpu"] {
                    guard let q = Self.quantity(cpu) else { fail(reqNode, "\(context)\(cpath).resources.requests.cpu: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"); continue }
                    container.cpuMillis = q
                }
                if let mem = req["memory"] {
                    guard let q = Self.quantity(mem) else { fail(reqNode, "\(context)\(cpath).resources.requests.memory: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"); continue }
                    container.memoryBytes = q / 1000
                }
            }
            containers.append(container)
        }
        guard containers.count == items.count else { return nil }
        var t = PodTemplate(labels: labels, containers: containers)
        t.annotations = annotations
        return t
    }

    /// A Kubernetes quantity in thousandths of a unit (`500m` → 500, `2` → 2000, `1Gi` → 1Gi × 1000).
    static func quantity(_ s: String) -> Int64? {
        let suffixes: [(String, Double)] = [("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776), ("k", 1e3), ("M", 1e6),
                                            ("G", 1e9), ("T", 1e12), ("m", 1e-3)]
        var number = Substring(s)
        var factor = 1.0
        if let (suffix, f) = suffixes.first(where: { s.hasSuffix($0.0) }) {
            number = number.dropLast(suffix.count)
            factor = f
        }
        guard let v = Double(number), v >= 0, v * factor < 9e15 else { return nil }
        return Int64((v * factor * 1000).rounded())
    }

    mutating func serviceSpec(_ node: YNode?, name: String, context: String) -> ServiceSpec? {
        guard let node else {
            fail(nil, "The Service \"\(name)\" is invalid: spec.ports: Required value")
            return nil
        }
        guard let spec = mapping(node, "spec", known: ["type", "selector", "ports", "clusterIP", "clusterIPs", "sessionAffinity",
                                                        "externalTrafficPolicy", "internalTrafficPolicy", "ipFamilies", "ipFamilyPolicy"],
                                 ignored: ["loadBalancerIP", "externalIPs", "allocateLoadBalancerNodePorts", "loadBalancerSourceRanges",
                                           "sessionAffinityConfig", "publishNotReadyAddresses", "healthCheckNodePort", "loadBalancerClass",
                                           "trafficDistribution", "externalName"],
                                 context: context) else { return nil }
        let errorsBefore = errors.count
        let typeText = string(spec["type"], "spec.type", context: context) ?? "ClusterIP"
        guard let type = ServiceType(rawValue: typeText) else {
            fail(spec["type"], "The Service \"\(name)\" is invalid: spec.type: Unsupported value: \"\(typeText)\": supported values: \"ClusterIP\", \"LoadBalancer\", \"NodePort\"")
            return nil
        }
        let selector = spec["selector"].map { stringMap($0, "spec.selector", context: context) }
        var ports: [ServicePort] = []
        for (i, p) in list(spec["ports"], "spec.ports", context: context).enumerated() {
            let ppath = "spec.ports[\(i)]"
            guard let pm = mapping(p, ppath, known: ["name", "port", "targetPort", "protocol", "nodePort"], ignored: ["appProtocol"], context: context) else { continue }
            guard let port = int(pm["port"], "\(ppath).port", context: context) else {
                if pm["port"] == nil { fail(p, "The Service \"\(name)\" is invalid: \(ppath).port: Required value") }
                continue
            }
            var target: TargetPort?
            switch intOrString(pm["targetPort"], "\(ppath).targetPort", context: context) {
            case .int(let n)?: target = .number(n)
            case .string(let s)?: target = .name(s)
            case nil: target = nil
            }
            ports.append(ServicePort(name: string(pm["name"], "\(ppath).name", context: context), port: port, targetPort: target,
                                     proto: string(pm["protocol"], "\(ppath).protocol", context: context) ?? "TCP",
                                     nodePort: int(pm["nodePort"], "\(ppath).nodePort", context: context)))
        }
        guard errors.count == errorsBefore else { return nil }
        return ServiceSpec(type: type, selector: selector, ports: ports)
    }
}

extension String {
    func replacingKindMessage(hasAPIVersion: Bool) -> String {
        hasAPIVersion ? "error validating data: kind not set" : self
    }
}
