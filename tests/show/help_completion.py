#!/usr/bin/env python3
"""help_completion.py - every command answers --help with usage and examples;
the bash completion offers every command, every option a --help names and the
values of enumerated options, and completes file names where files go; the man
page documents every option and renders without warnings.

Usage: help_completion.py SANCTAG TESTS_DATA_DIR COMPLETION_FILE MAN_PAGE
"""

import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from showlib import broken, check, env, finish, run, setup, unwrapped  # noqa: E402

if len(sys.argv) != 5:
    broken("usage: help_completion.py SANCTAG TESTS_DATA_DIR COMPLETION_FILE MAN_PAGE")
sanctag, data, scratch = setup(sys.argv[:3])
completion, manpage = os.path.abspath(sys.argv[3]), os.path.abspath(sys.argv[4])
OPT = re.compile(r"(?<![\w-])(--[a-z][a-z-]*[a-z]|-[a-zA-Z])(?![\w-])")
# where a help names its options: a line that starts with one ("  -o, --output
# FILE  write..."), up to the description, and the Usage lines
OPT_LINE = re.compile(r"^ {1,6}(-.*?)(?:  |$)", re.M)
USAGE_LINE = re.compile(r"^(?:Usage: |       )(sanctag .*)$", re.M)

# ---- --help ------------------------------------------------------------------------
rc, out, err = run(sanctag, ["--help"])
top = out.decode()
check(rc == 0 and "Commands:" in top, f"sanctag --help: exit {rc}")
commands = re.findall(r"^  (\w+)\s+\S", top.split("Commands:")[1].split("\n\n")[0], re.M)
check({"tag", "show", "gaz", "eval"} <= set(commands), f"commands in --help: {commands}")

helps = {}
rc, out, _ = run(sanctag, ["gaz", "--help"])
gaz_subs = sorted(set(re.findall(r"^(?:Usage:|      ) sanctag gaz (\w+)", out.decode(), re.M)))
check({"build", "lookup", "stats"} <= set(gaz_subs), f"gaz subcommands in its help: {gaz_subs}")
for cmd in [[c] for c in commands if c != "gaz"] + [["gaz"]] + [["gaz", s] for s in gaz_subs]:
    rc, out, err = run(sanctag, cmd + ["--help"])
    text = out.decode()
    name = " ".join(cmd)
    check(rc == 0 and text.startswith("Usage: sanctag " + cmd[0]) and "Examples:" in text,
          f"sanctag {name} --help: exit {rc}, no usage or examples:\n{text[:300]}{err}")
    helps[name] = text
    ex = re.findall(r"^  (sanctag .*)$", text.split("Examples:")[-1], re.M)
    check(len(ex) >= 2, f"sanctag {name} --help: fewer than two examples")


def help_options(name):
    text = helps[name]
    found = set()
    for m in OPT_LINE.finditer(text):
        found |= set(OPT.findall(m.group(1)))
    for m in USAGE_LINE.finditer(text):
        if name.startswith("gaz ") and not m.group(1).startswith("sanctag " + name):
            continue  # the shared gaz help: only this subcommand's usage
        found |= set(OPT.findall(m.group(1)))
    return found - {"-h"}


# ---- bash completion ------------------------------------------------------------------
files = os.path.join(scratch, "files")
os.makedirs(os.path.join(files, "adir"))
for f in ("article.txt", "feed.jsonl", "my.db"):
    open(os.path.join(files, f), "w").close()

DRIVER = r'''
%s
source "$1"
t() {
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
    _sanctag
    printf '%%s\n' "${COMPREPLY[@]}" | sort -u | tr '\n' ' '; echo
}
while IFS= read -r line; do eval "t $line"; done
'''


def complete(lines, with_bash_completion):
    pre = ""
    if with_bash_completion:
        pre = "source /usr/share/bash-completion/bash_completion"
    # the binary itself, also under valgrind: the completion runs `sanctag ...
    # --help` with stderr to /dev/null and ignores the status, so valgrind could
    # report nothing there; every --help runs under valgrind above, through run()
    prog = unwrapped(sanctag)
    lines = [line.replace("sanctag ", prog + " ", 1) for line in lines]
    p = subprocess.run(["bash", "-c", DRIVER % pre, "_", completion], cwd=files,
                       input="\n".join(lines) + "\n", capture_output=True, text=True,
                       env=env(), timeout=60)
    if p.returncode != 0 or p.stderr.strip():
        check(False, f"completion driver failed: {p.stderr}")
    res = p.stdout.split("\n")[:len(lines)]
    return [set(r.split()) for r in res]


modes = [False]
if os.path.exists("/usr/share/bash-completion/bash_completion"):
    modes.append(True)
for mode in modes:
    label = "with bash-completion" if mode else "plain bash"
    cases = [
        ("sanctag ''", set(commands) | {"help"}),
        ("sanctag gaz ''", set(gaz_subs)),
        ("sanctag show --color ''", {"auto", "always", "never"}),
        ("sanctag show --width 80 --color=al", {"always"}),
        ("sanctag tag --offsets ''", {"codepoint", "byte", "utf16"}),
        ("sanctag tag --format ''", {"json", "spacy", "doccano", "conll", "brat", "csv", "tsv"}),
        ("sanctag gaz import --format ''", {"un-xml", "ofac-csv", "ftm", "tsv", "jsonl", "lines"}),
        ("sanctag tag --progress=''", {"auto", "always", "never"}),
        ("sanctag show ''", {"article.txt", "feed.jsonl", "my.db", "adir"}),
        ("sanctag show --c", {"--color"}),
        ("sanctag tag --id-field ''", set()),
        ("sanctag show --width ''", set()),
        ("sanctag show art", {"article.txt"}),
        ("sanctag tag --db ''", {"my.db", "adir"} if mode else {"my.db", "adir"} | set()),
        ("sanctag tag --format brat -o ''", {"adir"}),
        ("sanctag gaz build out.db ic", {"icu:countries"}),
        ("sanctag gaz lookup --db my.db Kor", set()),
    ]
    got = complete([c for c, _ in cases], mode)
    for (line, want), g in zip(cases, got):
        if (line.endswith("''") and want) or not want:
            check(g == want, f"{label}: `{line}` completes to {sorted(g)}, want {sorted(want)}")
        else:
            check(want <= g and (want or not g),
                  f"{label}: `{line}` completes to {sorted(g)}, want {sorted(want)}")
    # every option a --help names is completed
    opt_cases = []
    for c in commands:
        if c in ("gaz", "help"):
            continue
        opt_cases += [(c, f"sanctag {c} --"), (c, f"sanctag {c} -")]
    for sub in gaz_subs:
        opt_cases += [("gaz " + sub, f"sanctag gaz {sub} --"), ("gaz " + sub, f"sanctag gaz {sub} -")]
    got = complete([line for _, line in opt_cases], mode)
    offered = {}
    for (name, _), g in zip(opt_cases, got):
        offered.setdefault(name, set()).update(g)
    for name in offered:
        want = help_options(name) | {"--help"}
        check(want == offered[name], f"{label}: `sanctag {name}` completes options "
              f"{sorted(offered[name])}, its --help names {sorted(want)}")
    check(offered["gaz build"] == {"--help", "--force"}, f"{label}: gaz build options")

# ---- the man page ---------------------------------------------------------------------
with open(manpage, encoding="utf-8") as f:
    man = f.read()
for name in helps:
    for opt in sorted(help_options(name)):
        check(opt.replace("-", "\\-") in man,
              f"man page lacks option {opt} of `sanctag {name}` (document it in man/sanctag.1)")
for c in commands:
    if c != "help":
        check(re.search(r'^\.SS "sanctag %s' % c, man, re.M) is not None,
              f"man page has no section for `sanctag {c}`")
if shutil.which("groff"):
    p = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", manpage], capture_output=True,
                       text=True, env=env())
    check(p.returncode == 0 and p.stderr == "", f"groff warns about the man page: {p.stderr}")
else:
    print("(groff absent: man page rendering not checked)")

finish("help-completion")
