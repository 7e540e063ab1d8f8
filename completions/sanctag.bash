# bash completion for sanctag                                   -*- shell-script -*-
#
# Installed into bash-completion's completions directory; in a checkout:
#   source completions/sanctag.bash
#
# Commands and options are read from the program's own --help (`sanctag
# --help`, `sanctag CMD --help`, `sanctag gaz SUB --help`), so they never fall
# behind it: an option is every "-x"/"--name" that starts a line of a help
# (indented by at most six spaces) or appears in the subcommand's Usage line;
# "--name METAVAR" takes a value (a file for FILE, PATH, DB, OUT*, a directory
# for DIR). Enumerated values are listed in _sanctag_values.

declare -gA _sanctag_cache 2>/dev/null

# _sanctag_help PROG ARGS...: the --help text of `PROG ARGS`, cached.
_sanctag_help()
{
    local key="$*"
    if [[ -z ${_sanctag_cache[$key]+set} ]]; then
        _sanctag_cache[$key]=$("$@" --help 2>/dev/null)
    fi
    printf '%s\n' "${_sanctag_cache[$key]}"
}

# Options of `PROG CMD [SUB]`, one per line as "--name" or "--name METAVAR".
_sanctag_options()
{
    local prog=$1 cmd=$2 sub=$3 text
    if [[ -n $sub ]]; then
        text=$(_sanctag_help "$prog" "$cmd" "$sub")
        if [[ $text != "Usage: sanctag $cmd $sub"* ]] ||
            (($(printf '%s\n' "$text" | grep -cE "^(Usage: |       )sanctag $cmd ") > 1)); then
            # a help shared by all subcommands: only this one's Usage line
            text=$(printf '%s\n' "$text" | grep -E "sanctag $cmd $sub( |$)" | head -n 1)
            text=${text//[/ }
            printf '%s\n' "$text" | grep -oE ' --?[A-Za-z][A-Za-z-]*( [A-Z][A-Z.]*)?' |
                sed 's/^ //'
            echo --help
            return
        fi
    else
        text=$(_sanctag_help "$prog" "$cmd")
    fi
    {
        # options that start a line indented a little ("  -o, --output FILE",
        # "  --db PATH, --weak"; continuation lines are indented further)
        printf '%s\n' "$text" | grep -E '^ {1,6}-' | sed -E 's/^[[:space:]]+//; s/  .*//' |
            sed -E 's/^(-[A-Za-z]), (--[A-Za-z][A-Za-z-]*)( [A-Z][A-Z.]*)?/\1\3, \2\3/' |
            tr ',' '\n' | sed 's/^ //'
        # options in the Usage lines ("[--force]", "--format FORMAT")
        printf '%s\n' "$text" | grep -E '^(Usage:|       sanctag )' | tr '[]' '  ' |
            grep -oE ' --?[A-Za-z][A-Za-z-]*( [A-Z][A-Z.]*)?' | sed 's/^ //'
        echo --help
    } | sed -E 's/=.*//' | grep -E '^--?[A-Za-z][A-Za-z-]*( |$)' |
        sed -E 's/^(--?[A-Za-z][A-Za-z-]*)( ([A-Z][A-Z.]*))?.*$/\1 \3/; s/ $//' | sort -u
}

_sanctag_values()
{
    # values of enumerated options, per command
    case $1/$2 in
    */--color | */--colour | */--progress) echo auto always never ;;
    */--offsets) echo codepoint byte utf16 ;;
    */--names) echo on off model ;;
    tag/--format) echo json spacy doccano conll brat csv tsv ;;
    cooccur/--format | cooccur/-f) echo csv jsonl sqlite graphml gexf ;;
    gaz/--format) echo un-xml ofac-csv ftm tsv jsonl lines ;;
    cooccur/--window) echo document sentence ;;
    cooccur/--by) echo entity country ;;
    cooccur/--period) echo none day week month year ;;
    cooccur/--sort) echo count npmi ;;
    cooccur/--table) echo pairs entities ;;
    cooccur/--date-order) echo dmy mdy ;;
    *) return 1 ;;
    esac
}

_sanctag()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -s -n : || return
    else
        # plain bash: COMP_WORDBREAKS splits "--color=al" into "--color" "=" "al"
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        if [[ $prev == = ]] && ((cword >= 2)); then
            prev=${words[cword - 2]}
        elif [[ $cur == = ]]; then
            cur=""
        fi
    fi
    if [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi
    local prog=${words[0]}
    prog=${prog/#\~/$HOME}
    command -v -- "$prog" >/dev/null 2>&1 || prog=sanctag

    # the command and the gaz subcommand: the first words that are no option
    # (nor an option's value)
    local i cmd="" sub="" w
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        case $w in
        = | -*) continue ;;
        esac
        case ${words[i - 1]} in
        =) continue ;;
        esac
        if [[ -z $cmd ]]; then
            cmd=$w
        elif [[ $cmd == gaz && -z $sub ]]; then
            sub=$w
        fi
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '--help --version' -- "$cur"))
        else
            local cmds
            cmds=$(_sanctag_help "$prog" | sed -n '/^Commands:/,/^$/p' |
                sed -nE 's/^  ([a-z][a-z-]*) .*/\1/p')
            COMPREPLY=($(compgen -W "$cmds help" -- "$cur"))
        fi
        return
    fi
    if [[ $cmd == gaz && -z $sub ]]; then
        local subs
        subs=$(_sanctag_help "$prog" gaz | grep -oE 'sanctag gaz [a-z]+' | sed 's/.* //' | sort -u)
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '--help' -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$subs" -- "$cur"))
        fi
        return
    fi
    [[ $cmd == help ]] && return

    local opts
    opts=$(_sanctag_options "$prog" "$cmd" "$sub")

    # the value of an option
    if [[ $prev == -* ]]; then
        local vals metavar
        if vals=$(_sanctag_values "$cmd" "$prev"); then
            COMPREPLY=($(compgen -W "$vals" -- "$cur"))
            return
        fi
        metavar=$(printf '%s\n' "$opts" | grep -E "^$prev " | head -n 1 | sed 's/^[^ ]* //')
        if [[ -z $metavar && ($prev == -o || $prev == --output) ]]; then
            metavar=FILE
        fi
        case $metavar in
        "") ;; # a flag: go on below
        *FILE* | *PATH* | *DB* | OUT*)
            if [[ $cmd == tag && " ${words[*]} " == *" --format brat "* ]] ||
                [[ $cmd == tag && " ${words[*]} " == *" --format=brat "* ]]; then
                _sanctag_dirs
            elif [[ $prev == --db ]]; then
                _sanctag_files '@(db|sqlite|sqlite3)'
            else
                _sanctag_files
            fi
            return
            ;;
        *DIR*)
            _sanctag_dirs
            return
            ;;
        *) return ;; # a value the user types
        esac
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(printf '%s\n' "$opts" | sed 's/ .*//')" -- "$cur"))
        return
    fi
    case $cmd/$sub in
    gaz/lookup | gaz/stats) ;; # names are free text; stats takes none
    gaz/build)
        _sanctag_files
        [[ icu:countries == "$cur"* ]] && COMPREPLY+=(icu:countries)
        ;;
    *) _sanctag_files ;;
    esac
}

# Completes file names (an extglob pattern of extensions keeps directories and
# those files), through bash-completion's _filedir when it is loaded.
_sanctag_files()
{
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir "$@"
        return
    fi
    local IFS=$'\n' f
    compopt -o filenames 2>/dev/null
    for f in $(compgen -f -- "$cur"); do
        # [[ == ]] matches extglob patterns whatever the extglob option says
        # shellcheck disable=SC2053
        [[ -n $1 && ! -d $f && $f != *.$1 ]] && continue
        COMPREPLY+=("$f")
    done
}

_sanctag_dirs()
{
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir -d
        return
    fi
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY+=($(compgen -d -- "$cur"))
}

complete -F _sanctag sanctag
