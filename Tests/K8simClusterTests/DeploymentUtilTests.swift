import Testing
import OrderedCollections
@testable import K8simCluster

/// The [UP] test vectors of K8S-FACTS, against this model's own functions.
@Suite("Upstream vectors")
struct DeploymentUtilTests {
    // §2.2 TestResolveFenceposts
    @Test(arguments: [
        (IntOrString?.some(.string("0%")), IntOrString?.some(.string("0%")), 0, 0, 1, false),
        (.string("39%"), .string("39%"), 10, 4, 3, false),
        (.string("oops"), .string("39%"), 10, 0, 0, true),
        (.string("55%"), .string("urg"), 10, 0, 0, true),
        (nil, .string("39%"), 10, 0, 3, false),
        (.string("39%"), nil, 10, 4, 0, false),
        (nil, nil, 10, 0, 1, false),
    ] as [(IntOrString?, IntOrString?, Int, Int, Int, Bool)])
    func resolveFenceposts(surge: IntOrString?, unavailable: IntOrString?, desired: Int, wantSurge: Int, wantUnavailable: Int, wantError: Bool) {
        do {
            let (s, u) = try DeploymentUtil.resolveFenceposts(maxSurge: surge, maxUnavailable: unavailable, desired: desired)
            #expect(!wantError)
            #expect(s == wantSurge && u == wantUnavailable)
        } catch {
            #expect(wantError)
        }
    }

    // §2.2 [DER] the default 25%/25%
    @Test(arguments: [(0, 0, 1), (1, 1, 0), (2, 1, 0), (3, 1, 0), (4, 1, 1), (5, 2, 1), (10, 3, 2), (100, 25, 25)])
    func defaultFenceposts(desired: Int, surge: Int, unavailable: Int) throws {
        let r = try DeploymentUtil.resolveFenceposts(maxSurge: .string("25%"), maxUnavailable: .string("25%"), desired: desired)
        #expect(r.surge == surge && r.unavailable == unavailable)
    }

    @Test func percentErrorsUseUpstreamWording() {
        #expect(throws: DeploymentUtil.IntOrStringError(description: "invalid value for IntOrString: invalid type: string is not a percentage")) {
            _ = try DeploymentUtil.scaledValue(.string("oops"), total: 10, roundUp: true)
        }
        #expect(throws: DeploymentUtil.IntOrStringError(description: "nil value for IntOrString")) {
            _ = try DeploymentUtil.scaledValue(nil, total: 10, roundUp: true)
        }
    }

    // §2.3 TestMaxUnavailable and TestMinAvailable (maxSurge int 1)
    @Test(arguments: [
        (10, IntOrString.int(5), 5, 5), (10, .int(10), 10, 0), (5, .int(10), 5, 0), (0, .int(10), 0, 0),
        (10, .string("50%"), 5, 5), (10, .string("100%"), 10, 0), (5, .string("100%"), 5, 0), (10, .string("60%"), 6, 4),
    ])
    func maxUnavailableAndMinAvailable(replicas: Int, unavailable: IntOrString, wantMax: Int, wantMin: Int) {
        let d = deployment(replicas: replicas, maxSurge: .int(1), maxUnavailable: unavailable)
        #expect(DeploymentUtil.maxUnavailable(d.spec) == wantMax)
        #expect(DeploymentUtil.minAvailable(d.spec) == wantMin)
    }

    @Test func recreateHasNoUnavailableBudget() {
        var d = deployment(replicas: 10, maxSurge: .int(1), maxUnavailable: .int(5))
        d.spec.strategy = .recreate
        #expect(DeploymentUtil.maxUnavailable(d.spec) == 0)
        #expect(DeploymentUtil.minAvailable(d.spec) == 0)
        #expect(DeploymentUtil.maxSurge(d.spec) == 0)
    }

    // §6.2 TestNewRSNewReplicas
    @Test(arguments: [(true, 1, 5, 1, 5), (true, 6, 2, 10, 6), (false, 3, 1, 1, 3)])
    func newRSNewReplicas(rolling: Bool, replicas: Int, newReplicas: Int, surge: Int, want: Int) {
        var d = deployment(replicas: replicas, maxSurge: .int(surge), maxUnavailable: .int(1))
        if !rolling { d.spec.strategy = .recreate }
        let all = [rs("rs5", replicas: 5)]
        #expect(DeploymentUtil.newRSNewReplicas(d.spec, allRSs: all, newRS: rs("new", replicas: newReplicas)) == want)
    }

    // §6.3 TestDeploymentController_reconcileNewReplicaSet (maxUnavailable 0)
    @Test(arguments: [(10, 0, 10, 0, Int?.none), (10, 2, 10, 0, 2), (10, 2, 5, 0, 7), (10, 2, 10, 2, nil), (10, 2, 2, 11, 10)])
    func reconcileNewReplicaSet(replicas: Int, surge: Int, oldReplicas: Int, newReplicas: Int, want: Int?) {
        let d = deployment(replicas: replicas, maxSurge: .int(surge), maxUnavailable: .int(0))
        let newRS = rs("new", replicas: newReplicas, created: 2)
        let all = [newRS, rs("old", replicas: oldReplicas, created: 1)]
        #expect(DeploymentUtil.reconcileNewReplicaSet(d.spec, allRSs: all, newRS: newRS) == want)
    }

    // §6.4 TestDeploymentController_reconcileOldReplicaSets (maxSurge 0)
    @Test(arguments: [
        (10, 0, 10, 0, 10, 0, true, 9), (10, 2, 10, 0, 10, 0, true, 8), (10, 2, 10, 0, 8, 0, true, 8),
        (10, 2, 10, 0, 9, 0, true, 8), (10, 2, 8, 2, 8, 0, false, 8),
    ])
    func reconcileOldReplicaSets(replicas: Int, unavailable: Int, oldReplicas: Int, newReplicas: Int, readyOld: Int, readyNew: Int,
                                 wantScaled: Bool, wantOld: Int) {
        let d = deployment(replicas: replicas, maxSurge: .int(0), maxUnavailable: .int(unavailable))
        let old = rs("old", replicas: oldReplicas, available: readyOld, created: 1)
        let new = rs("new", replicas: newReplicas, available: readyNew, created: 2)
        let r = DeploymentUtil.reconcileOldReplicaSets(d.spec, allRSs: [new, old], oldRSs: [old], newRS: new)
        #expect(r.scaled == wantScaled)
        #expect(r.rss.first?.replicas == wantOld)
    }

    // §6.5 TestDeploymentController_cleanupUnhealthyReplicas
    @Test(arguments: [(10, 8, 1, 1), (10, 8, 3, 2), (10, 8, 0, 0), (10, 10, 3, 0)])
    func cleanupUnhealthyReplicas(old: Int, ready: Int, maxCleanup: Int, want: Int) {
        #expect(DeploymentUtil.cleanupUnhealthyReplicas([rs("old", replicas: old, available: ready)], maxCleanupCount: maxCleanup).cleaned == want)
    }

    // §6.6 TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate (maxSurge 0)
    @Test(arguments: [(10, 0, 10, 10, 9), (10, 2, 10, 10, 8), (10, 2, 8, 10, 10), (10, 2, 10, 0, 0), (10, 2, 1, 10, 10)])
    func scaleDownOldReplicaSets(replicas: Int, unavailable: Int, ready: Int, old: Int, want: Int) {
        let d = deployment(replicas: replicas, maxSurge: .int(0), maxUnavailable: .int(unavailable))
        let o = rs("old", replicas: old, available: ready)
        let r = DeploymentUtil.scaleDownOldReplicaSetsForRollingUpdate(allRSs: [o], oldRSs: [o], spec: d.spec)
        #expect(r.rss[0].replicas == want)
        #expect((r.scaled > 0) == (want != old))
    }

    // §4.1 TestEqualIgnoreHash, TestFindNewReplicaSet, TestFindOldReplicaSets
    @Test func equalIgnoreHash() {
        func t(_ labels: OrderedDictionary<String, String>, image: String = "x", annotations: OrderedDictionary<String, String> = [:]) -> PodTemplate {
            var p = PodTemplate(labels: labels, containers: [Container(name: "c", image: image)])
            p.annotations = annotations
            return p
        }
        let h = DeploymentUtil.podTemplateHashLabel
        let cases: [(PodTemplate, PodTemplate, Bool)] = [
            (t([h: "v1", "something": "else"]), t([h: "v1", "something": "else"]), true),
            (t([h: "v1", "something": "else"]), t([h: "v2", "something": "else"]), true),
            (t(["something": "else"]), t([h: "v2", "something": "else"]), true),
            (t(["something": "else"]), t([h: "v2"]), false),
            (t([h: "v1"]), t(["something": "else"]), false),
            (t([h: "v1"]), t([h: "v1", "something": "else"]), false),
            (t(["a": "b"], annotations: ["former": "value"]), t(["a": "b"], annotations: ["latter": "value"]), false),
            (t(["something": "else"], image: "foo-1"), t([h: "v2", "something": "else"], image: "foo-2"), false),
            (t(["something": "else"]), t(["nothing": "else"]), false),
        ]
        for (a, b, want) in cases {
            #expect(DeploymentUtil.equalIgnoreHash(a, b) == want)
            #expect(DeploymentUtil.equalIgnoreHash(b, a) == want)
        }
    }

    @Test func findNewAndOldReplicaSets() {
        var d = deployment(replicas: 1, maxSurge: .int(1), maxUnavailable: .int(0))
        var newRS = rs("new", replicas: 1, created: 10)
        newRS.template = d.spec.template
        newRS.template.labels[DeploymentUtil.podTemplateHashLabel] = "hash"
        var dup = rs("dup", replicas: 0, created: 5)
        dup.template = d.spec.template
        dup.template.labels[DeploymentUtil.podTemplateHashLabel] = "different-hash"
        let old = rs("old", replicas: 0, created: 1)
        #expect(DeploymentUtil.findNewReplicaSet(d.spec, [newRS, old])?.name == "new")
        #expect(DeploymentUtil.findNewReplicaSet(d.spec, [newRS, old, dup])?.name == "dup")
        #expect(DeploymentUtil.findNewReplicaSet(d.spec, [old]) == nil)

        let r1 = DeploymentUtil.findOldReplicaSets(d.spec, [newRS, old], newRS: newRS)
        #expect(r1.all.map(\.name) == ["old"] && r1.required.isEmpty)
        let r3 = DeploymentUtil.findOldReplicaSets(d.spec, [old, newRS, dup], newRS: dup)
        #expect(r3.all.map(\.name) == ["old", "new"] && r3.required.map(\.name) == ["new"])
        let r4 = DeploymentUtil.findOldReplicaSets(d.spec, [newRS], newRS: newRS)
        #expect(r4.all.isEmpty && r4.required.isEmpty)
        d.spec.replicas = 2
    }

    // §4.2 names and hashes
    @Test func safeEncodingAndNames() {
        #expect(DeploymentUtil.safeEncodeString("0123456789") == "456789bcdf")
        #expect(DeploymentUtil.safeEncodeString("3126279061") == "756b6cf4b5")
        #expect(DeploymentUtil.replicaSetName(deployment: "my-deployment", hash: "abcde12345") == "my-deployment-abcde12345")
        let a242 = String(repeating: "a", count: 242)
        #expect(DeploymentUtil.replicaSetName(deployment: a242, hash: "abcde12345") == a242 + "-abcde12345")
        #expect(DeploymentUtil.replicaSetName(deployment: String(repeating: "b", count: 250), hash: "abcde12345")
            == String(repeating: "b", count: 242) + "-abcde12345")
        let d252 = String(repeating: "d", count: 252), h252 = String(repeating: "h", count: 252)
        #expect(DeploymentUtil.replicaSetName(deployment: d252, hash: h252) == d252 + "-" + h252)
        let t = PodTemplate(labels: ["app": "x"], containers: [Container(name: "c", image: "x")])
        let hash = DeploymentUtil.computeHash(t, collisionCount: nil)
        #expect(hash == DeploymentUtil.computeHash(t, collisionCount: nil))
        #expect(hash != DeploymentUtil.computeHash(t, collisionCount: 1))
        #expect(hash.allSatisfy { "456789bcdf".contains($0) } && (1...10).contains(hash.count))
    }

    // §5 TestAnnotationUtils, with a history limit of 5 characters
    @Test func revisionAnnotations() {
        let d = deployment(replicas: 1, maxSurge: .int(1), maxUnavailable: .int(0))
        var r = rs("r", replicas: 1)
        let expected: [(String, String?)] = [("11", nil), ("12", "11"), ("13", "11,12"), ("14", "12,13"), ("15", "13,14")]
        for (i, (rev, history)) in expected.enumerated() {
            DeploymentUtil.setNewReplicaSetAnnotations(d, &r, newRevision: "\(11 + i)", exists: true, historyLimit: 5)
            #expect(r.meta.annotations[DeploymentUtil.revisionAnnotation] == rev)
            #expect(r.meta.annotations[DeploymentUtil.revisionHistoryAnnotation] == history)
        }
        var fresh = rs("f", replicas: 1)
        #expect(DeploymentUtil.setReplicasAnnotations(&fresh, desired: 10, max: 11))
        #expect(fresh.meta.annotations[DeploymentUtil.desiredReplicasAnnotation] == "10")
        #expect(fresh.meta.annotations[DeploymentUtil.maxReplicasAnnotation] == "11")
    }

    @Test func replicasAnnotationsAndSaturation() {
        #expect(DeploymentUtil.replicasAnnotationsNeedUpdate(rs("a", replicas: 1), desired: 10, max: 20))
        let d = DeploymentUtil.desiredReplicasAnnotation, m = DeploymentUtil.maxReplicasAnnotation
        #expect(DeploymentUtil.replicasAnnotationsNeedUpdate(rs("a", replicas: 1, annotations: [d: "8", m: "20"]), desired: 10, max: 20))
        #expect(DeploymentUtil.replicasAnnotationsNeedUpdate(rs("a", replicas: 1, annotations: [d: "10", m: "16"]), desired: 10, max: 20))
        #expect(!DeploymentUtil.replicasAnnotationsNeedUpdate(rs("a", replicas: 1, annotations: [d: "10", m: "20"]), desired: 10, max: 20))
        let dep = deployment(replicas: 1, maxSurge: .int(1), maxUnavailable: .int(0))
        #expect(DeploymentUtil.isSaturated(dep.spec, rs("a", replicas: 1, available: 1, annotations: [d: "1"])))
        #expect(!DeploymentUtil.isSaturated(dep.spec, rs("a", replicas: 1, available: 0, annotations: [d: "1"])))
        #expect(!DeploymentUtil.isSaturated(dep.spec, nil))
    }

    @Test(arguments: [
        (String?.none, 0, false, String?.none), ("invalid", 0, false, "invalid syntax"), ("-1", 0, false, "invalid syntax"),
        ("0", 0, true, nil), ("13", 13, true, nil), ("2147483647", 2147483647, true, nil),
        ("2147483648", 0, false, "out of range"), ("4294967296", 0, false, "out of range"),
    ])
    func nonNegativeInt32(value: String?, want: Int, valid: Bool, error: String?) {
        let r = DeploymentUtil.nonNegativeInt32(value)
        #expect(r.value == want && r.valid == valid && r.error == error)
    }

    // §7 TestGetReplicaSetFraction
    @Test(arguments: [
        (0, 0, 0, 10, String?.none, -10), (10, 0, 0, 5, nil, 0), (10, 0, 0, 5, "0", 0), (120, 100, 0, 50, nil, 10),
        (120, 100, 0, 50, "0", 10), (120, 0, 0, 50, "100", 10), (120, 0, 10, 50, "110", 9), (10, 0, 0, 6, "12", -1),
        (100, 0, 10, 50, "130", -8),
    ])
    func replicaSetFraction(replicas: Int, statusReplicas: Int, surge: Int, rsReplicas: Int, annotation: String?, want: Int) {
        let d = deployment(replicas: replicas, maxSurge: .int(surge), maxUnavailable: .int(1), statusReplicas: statusReplicas)
        let r = rs("r", replicas: rsReplicas, annotations: annotation.map { [DeploymentUtil.maxReplicasAnnotation: $0] } ?? [:])
        #expect(DeploymentUtil.replicaSetFraction(r, d) == want)
    }

    // §7 TestScale. RS names v1 (oldest) .. v3 (newest); sizes go in as (name, replicas).
    struct ScaleCase: Sendable, CustomTestStringConvertible {
        var name: String
        var oldReplicas: Int, newReplicas: Int
        var oldSurge = 0, newSurge = 0, unavailable = 0
        var newRS: (String, Int, Int)?  // name, replicas, available
        var oldRSs: [(String, Int)]
        var want: [String: Int]
        var testDescription: String { name }
    }

    static let scaleCases: [ScaleCase] = [
        ScaleCase(name: "S1", oldReplicas: 10, newReplicas: 12, newRS: ("v1", 10, 0), oldRSs: [], want: ["v1": 12]),
        ScaleCase(name: "S2", oldReplicas: 10, newReplicas: 5, newRS: ("v1", 10, 0), oldRSs: [], want: ["v1": 5]),
        ScaleCase(name: "S3", oldReplicas: 5, newReplicas: 10, newRS: ("v2", 2, 0), oldRSs: [("v1", 3)], want: ["v2": 4, "v1": 6]),
        ScaleCase(name: "S4", oldReplicas: 5, newReplicas: 3, newRS: ("v2", 2, 0), oldRSs: [("v1", 3)], want: ["v2": 1, "v1": 2]),
        ScaleCase(name: "S5", oldReplicas: 9, newReplicas: 4, newRS: ("v2", 8, 0), oldRSs: [("v1", 1)], want: ["v2": 4, "v1": 0]),
        ScaleCase(name: "S6", oldReplicas: 7, newReplicas: 10, newRS: ("v3", 2, 0), oldRSs: [("v2", 3), ("v1", 2)], want: ["v3": 3, "v2": 4, "v1": 3]),
        ScaleCase(name: "S7", oldReplicas: 13, newReplicas: 8, newRS: ("v3", 2, 0), oldRSs: [("v2", 8), ("v1", 3)], want: ["v3": 1, "v2": 5, "v1": 2]),
        ScaleCase(name: "S8", oldReplicas: 3, newReplicas: 4, newRS: ("v3", 1, 0), oldRSs: [("v2", 1), ("v1", 1)], want: ["v3": 2, "v2": 1, "v1": 1]),
        ScaleCase(name: "S9", oldReplicas: 3, newReplicas: 2, newRS: ("v3", 1, 0), oldRSs: [("v2", 1), ("v1", 1)], want: ["v3": 1, "v2": 1, "v1": 0]),
        ScaleCase(name: "S10", oldReplicas: 4, newReplicas: 5, newRS: nil, oldRSs: [("v2", 2), ("v1", 2)], want: ["v2": 3, "v1": 2]),
        ScaleCase(name: "S11", oldReplicas: 6, newReplicas: 0, newRS: ("v3", 3, 0), oldRSs: [("v2", 2), ("v1", 1)], want: ["v3": 0, "v2": 0, "v1": 0]),
        ScaleCase(name: "S12", oldReplicas: 6, newReplicas: 6, newRS: ("v3", 0, 0), oldRSs: [("v2", 0), ("v1", 0)], want: ["v3": 6, "v2": 0, "v1": 0]),
        ScaleCase(name: "S13", oldReplicas: 10, newReplicas: 20, oldSurge: 2, newSurge: 2, newRS: ("v2", 6, 0), oldRSs: [("v1", 6)], want: ["v2": 11, "v1": 11]),
        ScaleCase(name: "S14", oldReplicas: 10, newReplicas: 50, oldSurge: 3, newSurge: 6, newRS: ("v2", 5, 0), oldRSs: [("v1", 8)], want: ["v2": 22, "v1": 34]),
        ScaleCase(name: "S15", oldReplicas: 10, newReplicas: 14, newRS: nil, oldRSs: [("v2", 7), ("v1", 3)], want: ["v2": 10, "v1": 4]),
        ScaleCase(name: "S16", oldReplicas: 2, newReplicas: 2, oldSurge: 1, newSurge: 1, unavailable: 1, newRS: ("v2", 2, 0), oldRSs: [("v1", 1)], want: ["v2": 2, "v1": 1]),
    ]

    @Test(arguments: scaleCases)
    func proportionalScaling(c: ScaleCase) {
        let old = deployment(replicas: c.oldReplicas, maxSurge: .int(c.oldSurge), maxUnavailable: .int(c.unavailable))
        let d = deployment(replicas: c.newReplicas, maxSurge: .int(c.newSurge), maxUnavailable: .int(c.unavailable))
        let created = ["v1": Millis(1), "v2": 2, "v3": 3]
        func make(_ name: String, _ replicas: Int, _ available: Int) -> ReplicaSet {
            var r = rs(name, replicas: replicas, available: available, created: created[name] ?? 0)
            DeploymentUtil.setReplicasAnnotations(&r, desired: old.spec.replicas, max: old.spec.replicas + DeploymentUtil.maxSurge(old.spec))
            return r
        }
        let newRS = c.newRS.map { make($0.0, $0.1, $0.2) }
        let olds = c.oldRSs.map { make($0.0, $0.1, 0) }
        var sizes: [String: Int] = [:]
        for r in olds + (newRS.map { [$0] } ?? []) { sizes[r.name] = r.replicas }
        for (r, size) in DeploymentUtil.scale(d, newRS: newRS, oldRSs: olds) { sizes[r.name] = size }
        #expect(sizes == c.want)
    }

    // §8.2 TestDeploymentComplete: (desired, current, updated, available, maxUnavailable, maxSurge)
    @Test(arguments: [
        (5, 5, 5, 4, 1, 0, false), (5, 5, 5, 3, 1, 0, false), (5, 5, 5, 5, 0, 0, true), (5, 5, 4, 5, 0, 0, false),
        (1, 2, 1, 1, 0, 1, false), (1, 1, 1, 0, 1, 1, false),
    ])
    func deploymentComplete(desired: Int, current: Int, updated: Int, available: Int, unavailable: Int, surge: Int, want: Bool) {
        var d = deployment(replicas: desired, maxSurge: .int(surge), maxUnavailable: .int(unavailable))
        d.meta.generation = 0
        var s = DeploymentStatus()
        s.replicas = current
        s.updatedReplicas = updated
        s.availableReplicas = available
        #expect(DeploymentUtil.deploymentComplete(d, s) == want)
    }

    // §8.2 TestDeploymentProgressing: (current, updated, ready, available)
    @Test(arguments: [
        ((10, 4, 4, 4), (10, 6, 4, 4), true), ((10, 4, 4, 4), (10, 4, 4, 4), false), ((10, 4, 6, 6), (8, 4, 6, 6), true),
        ((10, 7, 3, 3), (10, 6, 3, 3), false), ((10, 4, 7, 7), (8, 8, 5, 5), true), ((10, 10, 9, 8), (10, 10, 10, 8), true),
        ((10, 10, 10, 9), (10, 10, 10, 10), true),
    ] as [((Int, Int, Int, Int), (Int, Int, Int, Int), Bool)])
    func deploymentProgressing(old: (Int, Int, Int, Int), new: (Int, Int, Int, Int), want: Bool) {
        func status(_ t: (Int, Int, Int, Int)) -> DeploymentStatus {
            var s = DeploymentStatus()
            (s.replicas, s.updatedReplicas, s.readyReplicas, s.availableReplicas) = t
            return s
        }
        var d = deployment(replicas: 10, maxSurge: .int(1), maxUnavailable: .int(1))
        d.status = status(old)
        #expect(DeploymentUtil.deploymentProgressing(d, status(new)) == want)
    }

    // §8.2 TestDeploymentTimedOut (times in seconds after 00:00)
    @Test(arguments: [(Int?.none, 69, 80, false), (2147483647, 69, 80, false), (10, 69, 80, true), (10, 71, 80, false)])
    func deploymentTimedOut(deadline: Int?, lastUpdate: Millis, now: Millis, want: Bool) {
        var d = deployment(replicas: 1, maxSurge: .int(1), maxUnavailable: .int(0))
        d.spec.progressDeadlineSeconds = deadline
        var s = DeploymentStatus()
        s.conditions = [Condition(type: "Progressing", status: .isTrue, reason: "ReplicaSetUpdated", message: "",
                                  lastTransitionTime: lastUpdate * 1000, lastUpdateTime: lastUpdate * 1000)]
        #expect(DeploymentUtil.deploymentTimedOut(d, s, now: now * 1000) == want)
        s.conditions[0].reason = "NewReplicaSetAvailable"
        #expect(!DeploymentUtil.deploymentTimedOut(d, s, now: now * 1000))
    }

    // §11 TestDeploymentController_cleanupDeployment: (spec, status) pairs and limit → deletions
    @Test(arguments: [
        ([(0, 0), (0, 0), (0, 0)], 1, 2), ([(0, 0), (0, 1), (1, 0), (1, 1)], 0, 1), ([(0, 0), (0, 0)], 0, 2),
        ([(1, 1), (1, 1)], 0, 0), ([(0, 0), (0, 0), (0, 0)], 2147483647, 0),
    ] as [([(Int, Int)], Int, Int)])
    func cleanupDeployment(rss: [(Int, Int)], limit: Int, want: Int) {
        let list = rss.enumerated().map { i, p in
            var r = rs("foo-\(i + 1)", replicas: p.0, created: Millis(i))
            r.status.replicas = p.1
            return r
        }
        #expect(DeploymentUtil.replicaSetsToCleanUp(list, limit: limit).count == want)
    }

    @Test func cleanupSkipsDeletingReplicaSets() {
        var r = rs("foo-1", replicas: 0)
        r.meta.deletionTime = 5
        #expect(DeploymentUtil.replicaSetsToCleanUp([r], limit: 0).isEmpty)
    }

    // §11 TestDeploymentController_cleanupDeploymentOrder: (replicas, revision) → deleted
    @Test(arguments: [
        ([(0, "1"), (0, "2")], 1, ["foo-1"]), ([(0, "2"), (0, "1")], 1, ["foo-2"]), ([(0, "1"), (0, "")], 1, ["foo-2"]),
        ([(0, ""), (0, "2")], 1, ["foo-1"]), ([(1, "1"), (0, "2"), (0, "3")], 1, ["foo-2"]), ([(1, "1"), (1, "2"), (0, "3")], 1, []),
        ([(0, "3"), (0, "1"), (0, "4"), (0, "2")], 2, ["foo-2", "foo-4"]),
    ] as [([(Int, String)], Int, [String])])
    func cleanupOrder(rss: [(Int, String)], limit: Int, want: [String]) {
        let list = rss.enumerated().map { i, p in
            rs("foo-\(i + 1)", replicas: p.0, created: Millis(i), revision: p.1.isEmpty ? nil : p.1)
        }
        #expect(Set(DeploymentUtil.replicaSetsToCleanUp(list, limit: limit).map(\.name)) == Set(want))
    }
}
