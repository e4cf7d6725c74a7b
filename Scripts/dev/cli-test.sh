#!/usr/bin/env bash
# Runs the built k8sim as a user would: pipes, scripts, exit codes, a shebang script.
# Usage: Scripts/dev/cli-test.sh [PATH-TO-k8sim]. Ends with 'N passed, N failed'.
set -u
bin=$(cd "$(dirname "${1:-.build/debug/k8sim}")" && pwd)/$(basename "${1:-.build/debug/k8sim}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -20; }

out=$(printf 'deploy echo image v1 replicas 4\nget pods\n' | "$bin" 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | grep -c ' Running ')" -eq 4 ] && ! printf '%s' "$out" | grep -q 'k8sim \['; then
    ok "piped statements print the pods, with no prompt"
else bad "piped statements print the pods, with no prompt" "$out"; fi

printf 'deploy echo image v1\nscale echo to many\nget pods\n' > "$work/bad.k8s"
out=$("$bin" "$work/bad.k8s" 2>&1); rc=$?
if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q "bad.k8s:2:15: error: expected a count such as 4, found 'many'"; then
    ok "a script with a bad line exits 1 and names file:line:col"
else bad "a script with a bad line exits 1 and names file:line:col (rc=$rc)" "$out"; fi

printf 'deploy echo image v1\nscale nothing 3\nget pods\n' > "$work/fails.k8s"
out=$("$bin" run "$work/fails.k8s" 2>&1); rc=$?
if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q 'fails.k8s:2:7: error: deployments.apps "nothing" not found' && ! printf '%s' "$out" | grep -q 'NAME'; then
    ok "a failing statement stops the script with exit 1"
else bad "a failing statement stops the script with exit 1 (rc=$rc)" "$out"; fi

"$bin" --no-such-flag >/dev/null 2>&1; rc=$?
if [ $rc -eq 2 ]; then ok "a usage error exits 2"; else bad "a usage error exits 2 (rc=$rc)"; fi

out=$("$bin" -e 'deploy echo image v1 replicas 4; expose counter nodeport 31000; fail node n2' 2>&1); rc=$?
if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q '1:41: error: Error from server (NotFound): deployments.apps "counter" not found'; then
    ok "the mission's line fails clearly without a counter deployment"
else bad "the mission's line fails clearly without a counter deployment (rc=$rc)" "$out"; fi

out=$("$bin" -e 'deploy echo image v1 replicas 4' -e 'deploy counter image ghcr.io/subicura/counter:latest port 3000; expose counter nodeport 31000; fail node n2' -e 'get pods' 2>&1); rc=$?
if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q 'service/counter exposed' && printf '%s' "$out" | grep -q 'n2 NotReady'; then
    ok "the mission's line runs once counter exists"
else bad "the mission's line runs once counter exists (rc=$rc)" "$out"; fi

mkdir -p "$work/bin"; ln -s "$bin" "$work/bin/k8sim"
printf '#!/usr/bin/env k8sim\ndeploy web image nginx:1.27 replicas 2\nget deployments\n' > "$work/run-me.k8s"; chmod +x "$work/run-me.k8s"
out=$(PATH="$work/bin:$PATH" "$work/run-me.k8s" 2>&1); rc=$?
if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q 'web    2/2'; then ok "a #! script runs as an executable"
else bad "a #! script runs as an executable (rc=$rc)" "$out"; fi

out=$("$bin" --seed 9 -e 'deploy a image v1 replicas 3; get pods' 2>&1); again=$("$bin" --seed 9 -e 'deploy a image v1 replicas 3; get pods' 2>&1)
other=$("$bin" --seed 10 -e 'deploy a image v1 replicas 3; get pods' 2>&1)
if [ "$out" = "$again" ] && [ "$out" != "$other" ]; then ok "--seed makes output reproducible"; else bad "--seed makes output reproducible"; fi

out=$("$bin" --trace -e 'deploy a image v1' 2>&1)
if printf '%s' "$out" | grep -q 'scheduler: assigned a-'; then ok "--trace prints controller steps"; else bad "--trace prints controller steps" "$out"; fi

out=$("$bin" --generate-completion-script bash 2>&1); rc=$?
if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q '_k8sim'; then ok "bash completion script"; else bad "bash completion script (rc=$rc)"; fi

out=$("$bin" check --help 2>&1); rc=$?
if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q 'USAGE: k8sim check'; then ok "--help"; else bad "--help (rc=$rc)" "$out"; fi

tutorials=$(dirname "$0")/../tutorials
sed 's/^expect deployment echo-deploy replicas 4$/expect deployment echo-deploy replicas 5/' "$tutorials/01-first-deployment.k8s" > "$work/broken-claim.k8s"
line=$(grep -n '^expect deployment echo-deploy replicas 5$' "$work/broken-claim.k8s" | cut -d: -f1)
out=$("$bin" test "$work/broken-claim.k8s" 2>&1); rc=$?
if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q "broken-claim.k8s:$line:1: error: expectation failed: expected deployment echo-deploy replicas 5, found 4" \
    && printf '%s' "$out" | grep -q '^0 passed, 1 failed$'; then
    ok "a broken tutorial claim fails with expected, found and the line"
else bad "a broken tutorial claim fails with expected, found and the line (rc=$rc)" "$out"; fi

out=$(cd / && "$bin" tutorial 2>&1); rc=$?
if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q '01-first-deployment'; then ok "k8sim tutorial lists the bundled tutorials from any directory"
else bad "k8sim tutorial lists the bundled tutorials from any directory (rc=$rc)" "$out"; fi

out=$(cd / && "$bin" tutorial 01-first-deployment < /dev/null 2>&1); rc=$?
if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q '✓ deployment echo-deploy available 4' && printf '%s' "$out" | grep -q 'Tutorial complete'; then
    ok "k8sim tutorial NAME runs one, showing each check"
else bad "k8sim tutorial NAME runs one, showing each check (rc=$rc)" "$out"; fi

mkdir -p "$work/fp/scripts" "$work/fp/other"
cp "$(dirname "$0")/../manifests/echo-deploy.yaml" "$work/fp/other/"
printf 'apply ../other/echo-deploy.yaml\n' > "$work/fp/scripts/read-outside.k8s"
printf 'deploy web image v1\nexport to out.yaml\n' > "$work/fp/scripts/write.k8s"
ln -s "$work/fp/other" "$work/fp/scripts/link"
printf 'apply link/echo-deploy.yaml\n' > "$work/fp/scripts/through-link.k8s"
out=$("$bin" "$work/fp/scripts/read-outside.k8s" 2>&1); rc=$?
if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q "run k8sim with --allow-read .*/fp/other to allow it"; then ok "a script may not read outside its folder"
else bad "a script may not read outside its folder (rc=$rc)" "$out"; fi
out=$("$bin" "$work/fp/scripts/through-link.k8s" 2>&1); rc=$?
if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q "may not read"; then ok "a symbolic link does not lead a script out of its folder"
else bad "a symbolic link does not lead a script out of its folder (rc=$rc)" "$out"; fi
out=$("$bin" --allow-read "$work/fp/other" "$work/fp/scripts/read-outside.k8s" 2>&1); rc=$?
if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q "deployment.apps/echo-deploy created"; then ok "--allow-read lets it read there"
else bad "--allow-read lets it read there (rc=$rc)" "$out"; fi
out=$("$bin" "$work/fp/scripts/write.k8s" 2>&1); rc=$?
if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q "run k8sim with --allow-write to allow it" && [ ! -e "$work/fp/scripts/out.yaml" ]; then
    ok "a script writes no file unless allowed"
else bad "a script writes no file unless allowed (rc=$rc)" "$out"; fi
out=$("$bin" --allow-write "$work/fp/scripts/write.k8s" 2>&1); rc=$?
if [ $rc -eq 0 ] && grep -q "kind: Deployment" "$work/fp/scripts/out.yaml"; then ok "--allow-write lets it export to a file"
else bad "--allow-write lets it export to a file (rc=$rc)" "$out"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
