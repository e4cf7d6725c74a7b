#!/usr/bin/env bash
# Checks k8sim's exported manifests against Kubernetes itself:
#  - every tutorial's objects, exported, validate against the Kubernetes OpenAPI schemas
#    (kubernetes-validate, strict: no unknown fields);
#  - `deploy`, `expose` and `configmap` export byte for byte what
#    `kubectl create ... --dry-run=client -o yaml` prints for the same objects.
# Usage: Scripts/dev/manifest-check.sh [PATH-TO-k8sim]. Ends with 'N passed, N failed'.
set -u
bin=${1:-.build/debug/k8sim}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -30; }

if ! command -v kubernetes-validate >/dev/null 2>&1; then
    pip install kubernetes-validate >/dev/null 2>&1 || true
fi
for t in "$root"/Scripts/tutorials/*.k8s; do
    name=$(basename "$t" .k8s)
    printf 'export to %s\n' "$work/$name.yaml" > "$work/export.k8s"
    if ! out=$("$bin" run --allow-write "$t" "$work/export.k8s" 2>&1); then bad "$name runs and exports" "$out"; continue; fi
    if ! command -v kubernetes-validate >/dev/null 2>&1; then
        bad "kubernetes-validate is not installed"; break
    fi
    if out=$(kubernetes-validate -k 1.32.0 --strict --quiet "$work/$name.yaml" 2>&1); then
        ok "$name: $(grep -c '^kind:' "$work/$name.yaml") exported objects validate against Kubernetes 1.32"
    else bad "$name: exported objects validate against Kubernetes 1.32" "$out"; fi
done

compare() {  # description, k8sim statements (ending in an export to FILE), kubectl arguments
    local what=$1 statements=$2; shift 2
    "$bin" --allow-write -e "${statements//FILE/$work/k8sim.yaml}" > /dev/null 2>&1
    if ! kubectl "$@" --dry-run=client -o yaml > "$work/kubectl.yaml" 2>&1; then bad "$what: kubectl failed" "$(cat "$work/kubectl.yaml")"; return; fi
    if out=$(diff "$work/k8sim.yaml" "$work/kubectl.yaml"); then ok "$what exports what kubectl create makes"
    else bad "$what exports what kubectl create makes" "$out"; fi
}
if command -v kubectl >/dev/null 2>&1; then
    compare "deploy with replicas and port" 'deploy echo image ghcr.io/subicura/echo:v1 replicas 4 port 3000; export deployment echo to FILE' \
        create deployment echo --image=ghcr.io/subicura/echo:v1 --replicas=4 --port=3000
    compare "deploy" 'deploy web image nginx:1.27; export deployment web to FILE' create deployment web --image=nginx:1.27
    compare "expose nodeport" 'deploy counter image ghcr.io/subicura/counter:latest port 3000; expose counter nodeport 31000; export service counter to FILE' \
        create service nodeport counter --tcp=3000:3000 --node-port=31000
    compare "expose loadbalancer" 'deploy counter image ghcr.io/subicura/counter:latest port 3000; expose counter loadbalancer port 80 target 3000; export service counter to FILE' \
        create service loadbalancer counter --tcp=80:3000
    compare "expose (cluster IP)" 'deploy redis image redis port 6379; expose redis; export service redis to FILE' \
        create service clusterip redis --tcp=6379:6379
    compare "configmap" 'configmap settings mode=fast color=blue; export configmap settings to FILE' \
        create configmap settings --from-literal=mode=fast --from-literal=color=blue
else
    echo "notice: kubectl is not installed here; the comparison with kubectl create is skipped"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
