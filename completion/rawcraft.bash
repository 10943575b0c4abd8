# bash completion for rawcraft(1)                         -*- shell-script -*-
# Install as $(PREFIX)/share/bash-completion/completions/rawcraft, or
# source it: . completion/rawcraft.bash

_rawcraft_layers='eth vlan arp ipv4 ipv6 tcp udp icmp icmp6 payload'

# The rawcraft being completed: the command as typed, else the one on PATH.
_rawcraft_bin()
{
    local bin=${COMP_WORDS[0]/#\~/$HOME}
    [[ $bin == */* && -x $bin ]] || bin=$(type -P rawcraft)
    printf '%s' "$bin"
}

# The names of the shipped files in $1 (templates, examples) ending in $2
# (.pkt, .lab): in $RAWCRAFT_TEMPLATES or $RAWCRAFT_EXAMPLES, beside the
# binary (a source tree), in ../share/rawcraft next to it, in ./$1, and
# under /usr/local and /usr.
_rawcraft_shipped()
{
    local sub=$1 ext=$2 env dir f
    [[ $sub == templates ]] && env=$RAWCRAFT_TEMPLATES || env=$RAWCRAFT_EXAMPLES
    dir=$(_rawcraft_bin)
    [[ -n $dir ]] && dir=$(dirname -- "$(readlink -f -- "$dir")")
    for f in ${env:+"$env"/*"$ext"} \
        ${dir:+"$dir/$sub"/*"$ext" "$dir/../share/rawcraft/$sub"/*"$ext"} \
        "./$sub"/*"$ext" {/usr/local,/usr}/share/rawcraft/"$sub"/*"$ext"; do
        [[ -f $f ]] || continue
        f=${f##*/}
        printf '%s\n' "${f%"$ext"}"
    done | sort -u
}

# From `rawcraft fields LAYER` ("  name  Label  ...  default: ...; names:
# a=1, b=2"): the field names of layer $1, or the value names of its field $2.
_rawcraft_fields()
{
    "$(_rawcraft_bin)" fields "$1" 2>/dev/null | awk -v want="$2" '
        /^  / && want == "" { print $1 }
        /^  / && $1 == want && /; names: / {
            sub(/.*; names: /, "")
            n = split($0, kv, /, /)
            for (i = 1; i <= n; i++) { sub(/=.*/, "", kv[i]); print kv[i] }
        }'
}

# --expect 'LAYER field=value|value ...; LAYER ...': $1 is the text so far.
_rawcraft_match()
{
    local text=${1#[\"\']} seg head word
    seg=${text##*;}
    seg=${seg#"${seg%%[! ]*}"}
    if [[ $seg != *' '* ]]; then              # a layer
        head=${text%"$seg"}
        mapfile -t COMPREPLY < <(compgen -P "$head" -S ' ' -W "$_rawcraft_layers" -- "$seg")
        return
    fi
    word=${seg##* }
    if [[ $word == *=* ]]; then               # a value: the field's names
        head=${text%"${word##*[=|]}"}
        mapfile -t COMPREPLY < <(compgen -P "$head" \
            -W "$(_rawcraft_fields "${seg%% *}" "${word%%=*}")" -- "${word##*[=|]}")
    else                                      # a field
        head=${text%"$word"}
        mapfile -t COMPREPLY < <(compgen -P "$head" -S = \
            -W "$(_rawcraft_fields "${seg%% *}")" -- "$word")
    fi
}

_rawcraft()
{
    local cur=${2-${COMP_WORDS[COMP_CWORD]}} prev=${3-${COMP_WORDS[COMP_CWORD-1]}}
    local cmd=${COMP_WORDS[1]} opts files

    # Readline splits at '=': --interface=IF, -D NAME=VALUE.
    if [[ ${COMP_WORDS[COMP_CWORD]} == = || ${COMP_WORDS[COMP_CWORD-1]} == = ]]; then
        [[ ${COMP_WORDS[COMP_CWORD]} == = ]] && prev=${COMP_WORDS[COMP_CWORD-1]} ||
            prev=${COMP_WORDS[COMP_CWORD-2]}
        [[ $prev == --* ]] || return        # NAME=VALUE: nothing to offer
    fi

    if ((COMP_CWORD == 1)); then
        mapfile -t COMPREPLY < <(compgen -W 'show send run test decode sniff fields --help' -- "$cur")
        return
    fi

    case $prev in
    -i | --interface)
        local ifs=(/sys/class/net/*)
        mapfile -t COMPREPLY < <(compgen -W "${ifs[*]##*/}" -- "$cur")
        return ;;
    -w | --write | --html)
        local ext=pcap
        [[ $prev == --html ]] && ext=html
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -X "!*.$ext" -- "$cur"; compgen -d -- "$cur")
        return ;;
    --junit | --gradescope)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return ;;
    -Z)
        mapfile -t COMPREPLY < <(compgen -u -- "$cur")
        return ;;
    --expect)
        compopt -o nospace 2>/dev/null
        _rawcraft_match "$cur"
        return ;;
    -D | --seed | -c | --count | -t | --timeout | --interval | --rate | --cpus | --ghost | --fragment | --retries)
        return ;;
    --fragment-order)
        mapfile -t COMPREPLY < <(compgen -W 'in reverse random' -- "$cur")
        return ;;
    --tx)
        mapfile -t COMPREPLY < <(compgen -W 'auto xdp packet qdisc' -- "$cur")
        return ;;
    esac

    opts='-v --verbose -n -x --hex --json -w --write'
    case $cmd in
    show)   opts+=' -D --seed -c --count -i --interface' files=templates ;;
    send)   opts+=' -D --seed -c --count -i --interface --interval --rate --flood
                    --cpus --tx --expect --no-expect -t --timeout -Z --ghost
                    --block-rst --fragment --fragment-order --retries' files=templates ;;
    run)    opts+=' -D --seed -i --interface --ghost --block-rst --peer --keep-going -Z
                    --absolute --ladder --html --tap --junit --gradescope' files=examples ;;
    test)   opts='-v --verbose -n -x --hex --json -D --seed -i --interface --ghost --block-rst
                  --peer --keep-going -Z --absolute --ladder --tap --junit --gradescope' files=examples ;;
    decode) opts+=' -c --count --absolute --template -Z --ladder --html' files=captures ;;
    sniff)  opts+=' -i --interface -c --count --absolute -Z --ladder --html' files= ;;
    fields)
        mapfile -t COMPREPLY < <(compgen -W "$_rawcraft_layers" -- "$cur")
        return ;;
    *)      return ;;
    esac

    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
        return
    fi
    [[ -n $files ]] || return                 # sniff: a FILTER's words
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(
        case $files in
        templates) compgen -W "$(_rawcraft_shipped templates .pkt)" -- "$cur"
                   compgen -f -X '!*.pkt' -- "$cur" ;;
        examples)  compgen -W "$(_rawcraft_shipped examples .lab)" -- "$cur"
                   compgen -f -X '!*.lab' -- "$cur" ;;
        captures)  compgen -f -X '!*.pcap' -- "$cur"
                   compgen -f -X '!*.pcapng' -- "$cur"
                   compgen -f -X '!*.cap' -- "$cur" ;;
        esac
        compgen -d -- "$cur")
} &&
    complete -F _rawcraft rawcraft
