#!/usr/bin/env python3
"""Man pages and bash completion for roundtable, generated from the binaries' own help texts.

Runs at build time (packaging/CMakeLists.txt) after `roundtable` and `roundtable-ollama-sim`
are built:

    cli-docs.py --roundtable BIN --sim BIN --version V --date YYYY-MM-DD --output DIR

It runs `roundtable --help`, reads the command list from its "Commands" section, runs
`roundtable COMMAND --help` for each command and `roundtable-ollama-sim --help`, always with
LC_ALL=C, LANGUAGE= and no display, and writes

    DIR/roundtable.1                 roff; DIR/roundtable.1.gz is what gets installed
    DIR/roundtable-ollama-sim.1      (and .1.gz)
    DIR/completions/roundtable       bash completion: commands, actions, options, option values
    DIR/help/*.txt                   the help texts it read, for reference

Nothing here lists commands or options by hand: a new command, action or option appears in the
man page and the completion at the next build. Only the sections the help text cannot know
(ENVIRONMENT, FILES, SEE ALSO, the simulator's exit status) are written here.
"""

import argparse
import gzip
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


# ---------------------------------------------------------------- running the binaries

SCRATCH = ""  # an empty HOME for the binaries, set in main()

def help_text(binary, *args):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "LC_MESSAGES", "LANG")}
    env.update({"LC_ALL": "C", "LANGUAGE": ""})
    # The builder's own settings (a chosen language, hosts, ...) must not shape the text.
    env.update({"HOME": SCRATCH, "XDG_CONFIG_HOME": SCRATCH + "/config", "XDG_DATA_HOME": SCRATCH + "/data"})
    # A sanitizer build must not fail the build because of a leak at exit.
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    result = subprocess.run([binary, *args, "--help"], env=env, stdin=subprocess.DEVNULL,
                            capture_output=True, timeout=60)
    if result.returncode != 0:
        sys.exit(f"cli-docs: {' '.join([binary, *args, '--help'])} exited {result.returncode}:\n"
                 f"{result.stderr.decode(errors='replace')}")
    text = result.stdout.decode("utf-8")
    # The usage line names argv[0] as it was called (a build path): use the plain name.
    name = Path(binary).name
    return re.sub(r"^Usage: \S*" + re.escape(name), "Usage: " + name, text, count=1, flags=re.M)


# ---------------------------------------------------------------- parsing QCommandLineParser output

@dataclass
class Option:
    names: list          # ["-o", "--output"]
    value: str           # "file" for "<file>", "" for a flag
    text: str            # the description, continuation lines joined
    choices: list = field(default_factory=list)

    def takes_value(self):
        return bool(self.value)

    def wants_file(self):
        return bool(re.search(r"file|path", self.value))


@dataclass
class Action:
    name: str            # "pull"
    synopsis: str        # "pull NAME"
    text: str            # "download a model as a task ..."


@dataclass
class HelpPage:
    usage: str = ""
    description: list = field(default_factory=list)  # paragraphs of prose
    actions: list = field(default_factory=list)      # Action
    options: list = field(default_factory=list)      # Option
    arguments: list = field(default_factory=list)    # (name, text)
    sections: dict = field(default_factory=dict)     # other "Title:" blocks, raw lines


SECTION = re.compile(r"^([A-Z][A-Za-z ]*)(?: \([^)]*\))?:\s*$")


def split_entries(lines):
    """Two-column blocks ("  name   text" plus deeper-indented continuation lines)."""
    entries = []
    for line in lines:
        if not line.startswith("  "):
            continue  # blank, or prose at column 0 ("Exit codes: ...")
        m = re.match(r"^  (\S.*?)(?:\s{2,}(\S.*))?$", line)
        if m:
            entries.append([m.group(1).strip(), (m.group(2) or "").strip()])
        elif entries:
            entries[-1][1] = (entries[-1][1] + " " + line.strip()).strip()
    return entries


def parse_option(head, text):
    names, value = [], ""
    for part in head.split(", "):
        m = re.match(r"^(-{1,2}[A-Za-z0-9][\w-]*)(?: <([^>]+)>)?$", part.strip())
        if not m:
            raise ValueError(f"cannot read option {head!r}")
        names.append(m.group(1))
        value = value or (m.group(2) or "")
    return Option(names, value, text, choices_from(text))


def strip_parentheses(text):
    out, depth = [], 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return re.sub(r"\s+([,.;:])", r"\1", re.sub(r"\s{2,}", " ", "".join(out)))


WORD = r"[a-z0-9][a-z0-9.-]*"
CHOICE_LIST = re.compile(rf"^(?:[^:]*:\s*)?({WORD}(?:,\s+{WORD})+(?:,?\s+or\s+{WORD})?|{WORD}\s+or\s+{WORD})\s*(?:[.;]|$)")


def choices_from(text):
    """The values an option lists in its description ("simultaneous (default), round-robin,
    adversarial, council or vote."; "Colours for this run: light, dark or system ...")."""
    m = CHOICE_LIST.match(strip_parentheses(text))
    if not m:
        return []
    return [w.rstrip(".") for w in re.split(r",\s*|\s+or\s+", m.group(1)) if w]


def parse_help(text, command=""):
    page = HelpPage()
    lines = text.rstrip("\n").split("\n")
    if not lines[0].startswith("Usage: "):
        raise ValueError(f"no usage line in the help of {command or 'roundtable'}")
    page.usage = lines[0][len("Usage: "):].strip()
    blocks, title, current = {}, None, []
    for line in lines[1:]:
        m = SECTION.match(line)
        if m and not line.startswith(" "):
            blocks[title] = current
            title, current = m.group(1), []
        else:
            current.append(line)
    blocks[title] = current

    # Free text before the first section: prose paragraphs and an indented action table.
    prose, table = [], []
    for line in blocks.pop(None):
        if line.startswith("  "):
            table.append(line)
        elif line.strip():
            if table:  # prose after the table ("All take --db ...")
                prose.append("")
            prose.append(line.strip())
        else:
            prose.append("")
    page.description = [p for p in "\n".join(prose).split("\n\n") if p.strip()]
    page.description = [" ".join(p.split()) for p in page.description]

    prefix = f"roundtable {command} " if command else None
    for head, desc in split_entries(table):
        if prefix and head.startswith(prefix):
            head = head[len(prefix):]
        name = head.split()[0]
        if re.match(r"^[a-z][a-z-]*$", name):
            page.actions.append(Action(name, head, desc))

    for head, desc in split_entries(blocks.pop("Options", [])):
        page.options.append(parse_option(head, desc))
    page.arguments = [tuple(e) for e in split_entries(blocks.pop("Arguments", []))]
    page.sections = blocks
    return page


def options_in_text(text):
    """Options named inside hand-written usage text ("export ID --format md|json [-o FILE]")."""
    found = []
    for m in re.finditer(r"(?<![\w-])(--?[A-Za-z][\w-]*)(?:[ =]((?:[a-z0-9-]+\|)+[a-z0-9-]+|[A-Z][A-Z|]*))?", text):
        name, value = m.group(1), m.group(2) or ""
        if name in ("-", "--"):
            continue
        choices = value.split("|") if value and value.islower() else []
        found.append(Option([name], value.lower(), "", choices))
    return found


def command_list(top):
    """The commands from the "Commands (...)" section of `roundtable --help`."""
    entries = split_entries(top.sections.get("Commands", []))
    commands = [(name, text) for name, text in entries if re.match(r"^[a-z][a-z-]*$", name)]
    if not commands:
        sys.exit("cli-docs: no \"Commands\" section in roundtable --help")
    return commands


def exit_codes(top):
    """ "Exit codes: 0 ok, 1 other failure, ..." (a paragraph of the Commands section)."""
    text = " ".join(l.strip() for l in top.sections.get("Commands", []))
    m = re.search(r"Exit codes:\s*(.*?)\.?\s*$", text)
    if not m:
        return []
    return [tuple(code.strip().split(" ", 1)) for code in m.group(1).split(",")]


# ---------------------------------------------------------------- roff

def roff_text(text):
    """Plain text to roff: escapes, options with real minus signs, non-ASCII as \\[uXXXX]."""
    text = text.replace("\\", "\\e")
    text = re.sub(r"(?<![\w-])(--?)(?=[A-Za-z])", lambda m: "\\-" * len(m.group(1)), text)
    text = "".join(ch if ord(ch) < 128 else f"\\[u{ord(ch):04X}]" for ch in text)
    return text


def roff_line(text):
    text = roff_text(text)
    return "\\&" + text if text[:1] in (".", "'") else text


def roff_option_head(option):
    names = ", ".join(f"\\fB{roff_text(n)}\\fR" for n in option.names)
    return names + (f" \\fI{roff_text(option.value)}\\fR" if option.value else "")


def roff_synopsis(usage):
    """ "roundtable chat [options] prompt" -> bold program and command words, italic arguments."""
    words = usage.split()
    out = []
    for i, word in enumerate(words):
        if i == 0 or (i == 1 and re.match(r"^[a-z][a-z-]*$", word) and word != "command"):
            out.append(f"\\fB{roff_text(word)}\\fR")
        elif word.startswith("["):
            out.append(roff_text(word))
        else:
            out.append(f"\\fI{roff_text(word)}\\fR")
    return " ".join(out)


class Roff:
    def __init__(self):
        self.lines = []

    def __call__(self, *lines):
        self.lines.extend(lines)

    def para(self, text):
        self(".PP", roff_line(text))

    def tp(self, head, text):
        self(".TP", head, roff_line(text) if text else "\\&")

    def text(self):
        return "\n".join(self.lines) + "\n"


def header(r, name, version, date, summary):
    r(f'.\\" Generated by packaging/cli-docs.py from "{name} --help"; do not edit.',
      f'.TH {name.upper().replace("-", chr(92) + "-")} 1 "{date}" "Roundtable {version}" "User Commands"',
      ".nh", ".ad l",
      ".SH NAME",
      f"{name} \\- {roff_text(summary)}")


def see_also(r, pages, homepage):
    r(".SH SEE ALSO", ",\n".join(f"\\fB{p}\\fR({s})" for p, s in pages))
    if homepage:
        r(".PP", f"Project home page: \\fI{roff_text(homepage)}\\fR")


def summary_of(description):
    first = description[0] if description else ""
    first = re.sub(r"^Roundtable:\s*", "", first).rstrip(".")
    return first[:1].lower() + first[1:]


COMMON_HELP = ("--help", "--help-all")


def roundtable_man(top, commands, pages, version, date, homepage):
    r = Roff()
    header(r, "roundtable", version, date, summary_of(top.description))

    r(".SH SYNOPSIS", roff_synopsis(top.usage))
    for name, _ in commands:
        r(".br", roff_synopsis(pages[name].usage))

    r(".SH DESCRIPTION")
    for p in top.description:
        r.para(p)
    for name, text in top.arguments:
        r(".PP", f"\\fI{roff_text(name.upper())}\\fR: {roff_line(text)}")
    r.para("Each command prints its own help with roundtable COMMAND --help; "
           "the same texts make up the COMMANDS section below.")

    r(".SH OPTIONS")
    for option in top.options:
        r.tp(roff_option_head(option), option.text)
    if not any("--help" in o.names for o in top.options):
        r.tp("\\fB\\-h\\fR, \\fB\\-\\-help\\fR", "Print the help text and exit.")
    shared = {tuple(o.names): o.text for o in top.options}

    r(".SH COMMANDS")
    summaries = dict(commands)
    for name, _ in commands:
        page = pages[name]
        r(f'.SS "{roff_text(page.usage)}"')
        body = page.description or [summaries[name]]
        for p in body:
            r.para(p)
        if page.actions:
            r(".PP", "Actions:", ".RS")
            for action in page.actions:
                r.tp(f"\\fB{roff_text(action.name)}\\fR" + (f" {roff_text(action.synopsis[len(action.name):].strip())}"
                                                               if action.synopsis != action.name else ""),
                     action.text)
            r(".RE")
        own = [o for o in page.options if shared.get(tuple(o.names)) != o.text and not set(o.names) & set(COMMON_HELP)]
        common = [o for o in page.options if o not in own]
        if own:
            r(".PP", "Options:", ".RS")
            for option in own:
                r.tp(roff_option_head(option), option.text)
            r(".RE")
        args = [a for a in page.arguments]
        if args:
            r(".PP", "Arguments:", ".RS")
            for arg, text in args:
                r.tp(f"\\fI{roff_text(arg)}\\fR", text)
            r(".RE")
        globals_ = [o for o in common if not set(o.names) & set(COMMON_HELP)]
        helps = [o for o in common if set(o.names) & set(COMMON_HELP)]
        if globals_:
            names = ", ".join(f"\\fB{roff_text(o.names[-1])}\\fR" for o in globals_)
            r(".PP", f"Also takes the options {names} (see \\fBOPTIONS\\fR).")
        if helps:
            names = [f"\\fB{roff_text(n)}\\fR" for o in helps for n in o.names]
            listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
            r(".PP", f"{listed} print this command's help text.")
        for title, lines in page.sections.items():
            r(".PP", f"{roff_text(title)}:", ".RS", ".nf")
            r(*[roff_line(l.strip()) for l in lines if l.strip()])
            r(".fi", ".RE")

    r(".SH EXIT STATUS")
    codes = exit_codes(top)
    if not codes:
        sys.exit("cli-docs: no \"Exit codes:\" line in roundtable --help")
    for code, meaning in codes:
        r.tp(f"\\fB{code}\\fR", meaning[:1].upper() + meaning[1:] + ".")

    r(".SH ENVIRONMENT",
      ".TP", "\\fBROUNDTABLE_DB\\fR",
      "The database when \\fB\\-\\-db\\fR is not given: a SQLite file path or a "
      "\\fIpostgresql://user:pass@host:port/db\\fR URL. It takes precedence over the database chosen in Settings.",
      ".TP", "\\fBOLLAMA_HOST\\fR",
      "The Ollama server to use when no hosts are saved (\\fBroundtable hosts\\fR) and "
      "\\fB\\-\\-ollama\\-host\\fR is not given; default \\fIhttp://127.0.0.1:11434\\fR.",
      ".TP", "\\fBQT_QPA_PLATFORM\\fR",
      "Set to \\fBoffscreen\\fR to open the window without a display, e.g. with \\fB\\-\\-screenshot\\fR. "
      "Without \\fBDISPLAY\\fR, \\fBWAYLAND_DISPLAY\\fR or this variable, only commands run.")

    r(".SH FILES",
      ".TP", "\\fI~/.config/Roundtable/roundtable.conf\\fR",
      "Settings shared by the window and the commands: Ollama hosts, default model, the chosen database, "
      "theme, the local server and its tokens (\\fB$XDG_CONFIG_HOME\\fR is honoured).",
      ".TP", "\\fI~/.local/share/Roundtable/roundtable/roundtable.sqlite\\fR",
      "The default database: chats, debates, agents, tasks and metric samples "
      "(\\fB$XDG_DATA_HOME\\fR is honoured).")

    see_also(r, [("roundtable-ollama-sim", 1)], homepage)
    return r.text()


def sim_man(sim, version, date, homepage):
    r = Roff()
    header(r, "roundtable-ollama-sim", version, date, summary_of(sim.description))
    r(".SH SYNOPSIS", roff_synopsis(sim.usage))
    r(".SH DESCRIPTION")
    for p in sim.description:
        r.para(p)
    r.para("On start it prints one line, \"roundtable-ollama-sim listening on http://HOST:PORT\". "
           "It answers the Ollama API (/api/tags, /api/chat, /api/generate, /api/pull, /api/embed, ...) with "
           "deterministic replies. The window's --demo mode starts it; point roundtable at it with "
           "--ollama-host http://HOST:PORT to try every command without Ollama.")
    r(".SH OPTIONS")
    for option in sim.options:
        r.tp(roff_option_head(option), option.text)
    r(".SH EXIT STATUS",
      ".TP", "\\fB0\\fR", "Stopped by SIGTERM or SIGINT, or after \\fB\\-\\-max\\-seconds\\fR.",
      ".TP", "\\fB1\\fR", "It could not listen on the address and port.",
      ".TP", "\\fB2\\fR", "Invalid options.")
    see_also(r, [("roundtable", 1)], homepage)
    return r.text()


# ---------------------------------------------------------------- bash completion

def sh_words(words):
    return " ".join(dict.fromkeys(words))  # unique, in order


def completion(top, commands, pages):
    """One bash function; the data is generated, the logic is fixed."""
    def valued(options):
        return [n for o in options if o.takes_value() for n in o.names]

    def value_cases(prefix, options):
        cases = []
        for o in options:
            if o.choices:
                cases.append((o, sh_words(o.choices)))
            elif o.wants_file():
                cases.append((o, "@file"))
        return ["        " + "|".join(f"'{prefix}{n}'" for n in o.names) + f") echo '{words}' ;;"
                for o, words in cases]

    opt_cases, valued_cases, action_cases, value_lines = [], [], [], []
    value_lines += value_cases(" ", top.options)
    for name, _ in commands:
        page = pages[name]
        options = list(page.options)
        if not options:  # a hand-written help: the options named in its text
            text = " ".join([page.usage] + page.description + [a.synopsis for a in page.actions]
                            + [l for ls in page.sections.values() for l in ls])
            seen, options = set(), []
            for o in options_in_text(text) + [Option(["--help"], "", "")]:
                if o.names[0] not in seen:
                    seen.add(o.names[0])
                    options.append(o)
        opt_cases.append(f"        {name}) echo '{sh_words(n for o in options for n in o.names)}' ;;")
        if valued(options):
            valued_cases.append(f"        {name}) echo '{sh_words(valued(options))}' ;;")
        actions = [a.name for a in page.actions]
        if not actions:
            for arg, text in page.arguments:
                if arg == "action":
                    actions = choices_from(text)
        if actions:
            action_cases.append(f"        {name}) echo '{sh_words(actions)}' ;;")
        value_lines += value_cases(f"{name} ", options)

    top_opts = [n for o in top.options for n in o.names] + ["-h", "--help"]
    lines = [
        "# bash completion for roundtable",
        "# Generated by packaging/cli-docs.py from `roundtable --help` and `roundtable COMMAND --help`;",
        "# do not edit (it is rebuilt with the binary, so it always matches the options it has).",
        "",
        "__roundtable_commands() { echo '" + sh_words(n for n, _ in commands) + "'; }",
        "",
        "# Options of a command ('' = before any command: the window and global options).",
        "__roundtable_options() {",
        "    case \"$1\" in",
        "        '') echo '" + sh_words(top_opts) + "' ;;",
        *opt_cases,
        "    esac",
        "}",
        "",
        "# The options of a command that take a value.",
        "__roundtable_valued() {",
        "    case \"$1\" in",
        "        '') echo '" + sh_words(valued(top.options)) + "' ;;",
        *valued_cases,
        "    esac",
        "}",
        "",
        "# The action words of a command (roundtable models ACTION).",
        "__roundtable_actions() {",
        "    case \"$1\" in",
        *action_cases,
        "    esac",
        "}",
        "",
        "# Values of an option: a word list, or @file for a file name.",
        "__roundtable_values() {",
        "    case \"$1 $2\" in",
        *value_lines,
        "    esac",
        "}",
        "",
        r'''_roundtable() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="" cword=$COMP_CWORD
    local -a words=("${COMP_WORDS[@]}")
    COMPREPLY=()
    # "--db=FILE": bash splits at '=' (COMP_WORDBREAKS); treat it as "--db FILE".
    if [[ $cur == "=" ]]; then
        cur=""
        prev="${words[cword-1]}"
    elif ((cword >= 2)) && [[ ${words[cword-1]} == "=" ]]; then
        prev="${words[cword-2]}"
    elif ((cword >= 1)); then
        prev="${words[cword-1]}"
    fi

    # The command is the first word that is neither an option nor an option's value.
    local cmd="" i=1 word action=""
    local globals=" $(__roundtable_valued '') "
    while ((i < cword)); do
        word="${words[i]}"
        if [[ -z $cmd ]]; then
            if [[ $globals == *" $word "* && ${words[i+1]} != "=" ]]; then
                ((i += 2)); continue
            elif [[ $word == -* || $word == "=" ]]; then
                ((i += 1)); continue
            fi
            cmd="$word"
        elif [[ -z $action && $word != -* && $word != "=" ]]; then
            local before="${words[i-1]}"
            [[ $before == "=" ]] && before="${words[i-2]}"
            if [[ " $(__roundtable_valued "$cmd") " != *" $before "* ]]; then
                action="$word"
            fi
        fi
        ((i += 1))
    done

    # A value for the option before the cursor.
    if [[ $prev == -* && " $(__roundtable_valued "$cmd") " == *" $prev "* ]]; then
        local values
        values="$(__roundtable_values "$cmd" "$prev")"
        if [[ $values == "@file" ]]; then
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
        elif [[ -n $values ]]; then
            COMPREPLY=($(compgen -W "$values" -- "$cur"))
        fi
        return 0
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(__roundtable_options "$cmd")" -- "$cur"))
    elif [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "$(__roundtable_commands)" -- "$cur"))
    elif [[ -z $action && -n "$(__roundtable_actions "$cmd")" ]]; then
        COMPREPLY=($(compgen -W "$(__roundtable_actions "$cmd")" -- "$cur"))
    else
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
    return 0
}
complete -F _roundtable roundtable''',
    ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main

def write(path, text):
    """Always written: the build compares the outputs' times with the binaries'."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_gz(path, text):
    """gzip -9n: no name, no time stamp, so the package is reproducible."""
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", compresslevel=9,
                                                fileobj=raw, mtime=0) as gz:
        gz.write(text.encode("utf-8"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--roundtable", required=True)
    ap.add_argument("--sim", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--date", required=True)
    ap.add_argument("--homepage", default="")
    ap.add_argument("--output", required=True, type=Path)
    args = ap.parse_args()

    global SCRATCH
    with tempfile.TemporaryDirectory(prefix="rt-cli-docs-") as SCRATCH:
        generate(args)


def generate(args):
    helps = {"": help_text(args.roundtable)}
    top = parse_help(helps[""])
    commands = command_list(top)
    pages = {}
    for name, _ in commands:
        helps[name] = help_text(args.roundtable, name)
        pages[name] = parse_help(helps[name], name)
    sim_help = help_text(args.sim)
    sim = parse_help(sim_help)

    out = args.output
    for name, text in helps.items():
        write(out / "help" / f"roundtable{'-' + name if name else ''}.txt", text)
    write(out / "help" / "roundtable-ollama-sim.txt", sim_help)

    for name, text in (("roundtable.1", roundtable_man(top, commands, pages, args.version, args.date, args.homepage)),
                       ("roundtable-ollama-sim.1", sim_man(sim, args.version, args.date, args.homepage))):
        write(out / name, text)
        write_gz(out / (name + ".gz"), text)
    write(out / "completions" / "roundtable", completion(top, commands, pages))
    print(f"cli-docs: {len(commands)} commands ({', '.join(n for n, _ in commands)}) -> "
          f"roundtable.1, roundtable-ollama-sim.1, completions/roundtable")


if __name__ == "__main__":
    main()
