#!/usr/bin/env python3
"""warm.py FIFO - one interpreter that runs tests/gen's scripts for a suite,
one request after another, so that pypy3 starts, imports the generators
and compiles their loops once, not at every draw (tests/lib.sh: gen_py).

A request is a line on FIFO naming a fresh folder D that holds
  argv   the script and its arguments, each ended by a NUL byte
         ("-": the program is D/stdin, as `python3 - ARGS <<EOF`)
  cwd    the directory to run in
and a FIFO D/done. The script runs as `GEN_PY SCRIPT ARGS` would run it
(as __main__, sys.argv and sys.path[0] set, stdin /dev/null); what it and
its children write to file descriptors 1 and 2 goes to D/out and D/err,
and its exit status (SystemExit as the interpreter turns it into one; an
exception: its traceback and 1) to D/done, which is opened first: if this
process dies, the reader gets an end of file, never a hang. Ends when
FIFO is closed by every writer (the suite's shell at its exit). FIFO.ready
is made once it listens.

What it keeps between requests: the modules of tests/gen that the
scripts import (their code and constants; none of their state changes
with a draw), each script's code (compiled once: run_script) and pypy3's
compiled loops. sys.path, the working directory
and the descriptors are put back after each, and collected garbage
closes any file a script left open before the shell reads it. The
figures are the same, byte for byte, as from a process per script
(tests/test_gen_identity.sh compares them).
"""
import gc
import io
import os
import runpy
import sys
import traceback


_CODE = {}


def run_script(path):
    """runpy.run_path(path, run_name="__main__") with the script's code
    compiled once while the file is unchanged (its size and mtime): the
    same module namespace, sys.argv[0] and sys.modules["__main__"] as
    run_path gives (its own _run_module_code), but the same code objects
    at every request, so the loops pypy3 compiled for the script's own
    functions are used again instead of traced and compiled afresh (a
    script run by run_path is new code each time)."""
    run_code = getattr(runpy, "_run_module_code", None)
    if run_code is None:
        runpy.run_path(path, run_name="__main__")
        return
    st = os.stat(path)
    key = (st.st_mtime_ns, st.st_size)
    hit = _CODE.get(path)
    if hit is None or hit[0] != key:
        with io.open_code(os.path.abspath(path)) as f:
            hit = _CODE[path] = (key, compile(f.read(), path, "exec"))
    run_code(hit[1], None, "__main__", pkg_name="", script_name=path)


def run(d):
    """One request: the script's exit status."""
    with open(os.path.join(d, "argv"), "rb") as f:
        argv = [a.decode() for a in f.read().split(b"\0")[:-1]]
    with open(os.path.join(d, "cwd")) as f:
        cwd = f.read().rstrip("\n")
    here, path = os.getcwd(), list(sys.path)
    saved = [os.dup(0), os.dup(1), os.dup(2)]
    rc = 1
    try:
        os.chdir(cwd)
        fds = [os.open(os.devnull, os.O_RDONLY),
               os.open(os.path.join(d, "out"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
               os.open(os.path.join(d, "err"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]
        for i, fd in enumerate(fds):
            os.dup2(fd, i)
            os.close(fd)
        sys.argv = argv
        try:
            if argv[0] == "-":
                with open(os.path.join(d, "stdin")) as f:
                    code = compile(f.read(), "<stdin>", "exec")
                sys.path[0] = ""
                exec(code, {"__name__": "__main__", "__builtins__": __builtins__})
            else:
                sys.path[0] = os.path.dirname(os.path.abspath(argv[0]))
                run_script(argv[0])
            rc = 0
        except SystemExit as e:
            if e.code is None:
                rc = 0
            elif isinstance(e.code, int):
                rc = e.code & 0xFF
            else:
                sys.stderr.write("%s\n" % (e.code,))
                rc = 1
        except BaseException:  # noqa: B902 - reported as the interpreter would
            traceback.print_exc()
            rc = 1
        gc.collect()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for i, fd in enumerate(saved):
            os.dup2(fd, i)
            os.close(fd)
        sys.path[:] = path
        os.chdir(here)
    return rc


def main():
    with open(sys.argv[1]) as req:
        with open(sys.argv[1] + ".ready", "w"):
            pass
        for line in req:
            d = line.rstrip("\n")
            if not d:
                continue
            # opened first: the client waits on it, and an end of file
            # (this process gone, a request it could not read) is an answer
            with open(os.path.join(d, "done"), "w") as done:
                try:
                    rc = run(d)
                except Exception:
                    traceback.print_exc()
                    continue
                done.write("%d\n" % rc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
