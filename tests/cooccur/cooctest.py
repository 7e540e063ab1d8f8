"""cooctest.py - what the Python checks of `sanctag cooccur` share: the
program (through the valgrind wrapper under `meson test --setup=valgrind`),
a clean environment, running it with allowed exit statuses, and the list of
failures reported at the end."""
import os
import subprocess
import sys


class Runner:
    def __init__(self, sanctag, fatal=True):
        """fatal: an unexpected exit status ends the check at once; else it
        is one more failure."""
        if os.environ.get("SANCTAG_WRAPPER"):
            os.environ["SANCTAG_REAL"] = os.path.abspath(sanctag)
            sanctag = os.environ["SANCTAG_WRAPPER"]
        os.environ.pop("SANCTAG_DB", None)
        os.environ["LC_ALL"] = "C"
        self.sanctag, self.fatal, self.failed = sanctag, fatal, []

    def run(self, args, stdin=None, ok=(0, 1)):
        p = subprocess.run([self.sanctag] + args, input=stdin, capture_output=True)
        if p.returncode not in ok:
            msg = (f"sanctag {' '.join(args)}: exit {p.returncode} (want {ok}): "
                   f"{p.stderr.decode(errors='replace')[:500]}")
            if self.fatal:
                sys.exit("FAIL: " + msg)
            self.failed.append(msg)
        return p

    def finish(self):
        for f in self.failed:
            print("FAIL: " + f, file=sys.stderr)
        sys.exit(1 if self.failed else 0)
