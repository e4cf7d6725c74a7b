#!/usr/bin/env python3
"""Drives the real k8sim REPL through a pseudo-terminal, as a person would.

Checks: `dep<TAB>` completes `deploy`; `scale e<TAB>` completes a deployment name; an
unclosed `{` shows the continuation prompt; Ctrl-C on a half-typed line leaves the REPL
running; Ctrl-D exits 0; a line typed in one run comes back with the up arrow in the next.
Usage: repl-test.py PATH-TO-k8sim. Prints 'N passed, N failed' and exits 1 on any failure.
"""
import os
import sys
import tempfile

import pexpect

binary = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/k8sim"
history = os.path.join(tempfile.mkdtemp(), "history")
env = dict(os.environ, K8SIM_HISTORY=history, TERM="xterm", NO_COLOR="1")
passed = failed = 0


def check(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print(f"ok   {name}")
    except Exception as e:  # a timeout or EOF names what was not seen
        failed += 1
        print(f"FAIL {name}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")


def spawn():
    return pexpect.spawn(binary, env=env, encoding="utf-8", timeout=15, dimensions=(40, 200))


PROMPT = r"k8sim \[\d+s\]> "
p = spawn()
check("prompt shows the virtual time", lambda: p.expect(r"k8sim \[0s\]> "))


def complete_statement():
    p.send("dep\t")
    p.expect("deploy ")
    p.send("echo image v1 replicas 2\r")
    p.expect("deployment.apps/echo created")
    p.expect(PROMPT)


check("dep<TAB> completes deploy", complete_statement)


def complete_name():
    p.send("scale e\t")
    p.expect("scale echo ")
    p.send("3\r")
    p.expect("deployment.apps/echo scaled")
    p.expect(PROMPT)


check("scale e<TAB> completes a deployment name", complete_name)


def continuation():
    p.send("repeat 1 {\r")
    p.expect(r"\.\.\.> ")
    p.send("get deployments\r")
    p.expect(r"\.\.\.> ")
    p.send("}\r")
    p.expect("echo   3/3")
    p.expect(PROMPT)


check("an unclosed { shows the continuation prompt", continuation)


def interrupt():
    p.send("get pods half-typed")
    p.sendintr()
    p.expect(PROMPT)
    p.send("get nodes\r")
    p.expect("n3 ")
    p.expect(PROMPT)


check("Ctrl-C drops the line and the REPL goes on", interrupt)


def eof():
    p.sendeof()
    p.expect(pexpect.EOF)
    p.close()
    assert p.exitstatus == 0, f"exit status {p.exitstatus}"


check("Ctrl-D exits 0", eof)


def recall():
    q = spawn()
    q.expect(PROMPT)
    q.send("\x1b[A")
    q.expect("get nodes")
    q.send("\r")
    q.expect("n1 ")
    q.expect(PROMPT)
    q.sendeof()
    q.expect(pexpect.EOF)


check("the up arrow recalls a line from the last run", recall)

def killed():
    r = spawn()
    r.expect(PROMPT)
    r.send("deploy killed-one image v1\r")
    r.expect(PROMPT)
    r.send("scale killed-one to 2\r")
    r.expect(PROMPT)
    r.kill(9)  # SIGKILL: no chance to save anything on the way out
    r.close(force=True)
    text = open(history).read()
    assert "deploy\\040killed-one" in text and "scale\\040killed-one\\040to\\0402" in text, text
    assert not [f for f in os.listdir(os.path.dirname(history)) if ".tmp-" in f], "a temporary file was left"


check("a REPL killed with SIGKILL keeps the history typed before", killed)


def corrupt():
    with open(history, "wb") as f:
        f.write(b"\x00\xffnot a history file\n")
    r = spawn()
    r.expect("could not be read; it was moved to")
    r.expect(PROMPT)
    r.send("get nodes\r")
    r.expect("n1 ")
    r.expect(PROMPT)
    r.sendeof()
    r.expect(pexpect.EOF)
    aside = [f for f in os.listdir(os.path.dirname(history)) if ".corrupt-" in f]
    assert aside, "the corrupt file was not kept aside"
    assert open(os.path.join(os.path.dirname(history), aside[0]), "rb").read().startswith(b"\x00\xff"), "the corrupt file changed"
    assert "get\\040nodes" in open(history).read(), "the new history was not saved"


check("a corrupt history file is set aside with a warning", corrupt)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
