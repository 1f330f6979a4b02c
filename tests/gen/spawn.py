"""spawn.py - run a program and capture what it writes, without forking
this interpreter: run(argv) is subprocess.run(argv, capture_output=True,
text=True) for the scripts of tests/gen that run the rig hundreds of times.

Why: pypy3 has no vfork or posix_spawn in its subprocess module, so every
subprocess.run forks the whole interpreter. The warm interpreter of a
capture suite (warm.py) holds a few hundred MB by its end; each fork costs
it 5-20 ms of system time, and each page it writes afterwards one more
fault (a draw's generator writes most of its heap): about 0.1 s a rig run,
measured, a third of blind_hunt.py --one's CPU. libc's system() spawns
through vfork (glibc: posix_spawn), which copies nothing; the command is
run by /bin/sh with `exec`, so the exit status is the program's own (a
signal: -N, as subprocess gives), its stdin this process's, its stdout
and stderr into files read back as text (the locale's encoding, universal
newlines: as text=True). The same figures, byte for byte, under python3
and pypy3 (tests/test_gen_identity.sh)."""
import os
import shlex
import subprocess
import sys
import tempfile


def run(argv):
    """argv run to its end: a subprocess.CompletedProcess with its exit
    status, stdout and stderr (str). A program that cannot be started
    gives the shell's status (126 or 127) and message, where
    subprocess.run raises."""
    argv = [str(a) for a in argv]
    with tempfile.TemporaryDirectory(prefix="spawn.") as d:
        out, err = os.path.join(d, "out"), os.path.join(d, "err")
        status = os.system("exec %s >%s 2>%s" % (" ".join(shlex.quote(a) for a in argv),
                                                   shlex.quote(out), shlex.quote(err)))
        with open(out) as f:
            stdout = f.read()
        with open(err) as f:
            stderr = f.read()
    return subprocess.CompletedProcess(argv, os.waitstatus_to_exitcode(status), stdout, stderr)


def run_main(main, script, args):
    """A generator's main() (its module imported once) run in this process
    as `python3 SCRIPT ARGS` runs it: with its own sys.argv, given back
    after; a failure raises as subprocess.run(check=True) does. The same
    bytes and truth without an interpreter started for each capture, and
    under the warm interpreter (tests/lib.sh gen_py) the module's loops
    compiled once (red_hunt.py and coverage.py make their captures so)."""
    argv = sys.argv
    sys.argv = [script] + [str(x) for x in args]
    try:
        code = main()
    except SystemExit as e:
        code = e.code
    finally:
        failed = list(sys.argv)
        sys.argv = argv
    if code not in (None, 0):
        raise subprocess.CalledProcessError(code if isinstance(code, int) else 1, failed)
