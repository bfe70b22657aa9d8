# dealbook's bash completion. Install: `source <(dealbook completions bash)` in ~/.bashrc, or
# `dealbook completions bash > ~/.local/share/bash-completion/completions/dealbook`.
# Each TAB asks `dealbook __complete` for the candidates: commands, flags, and the vault's
# record ids, field names, stages and templates.

_dealbook() {
    local line
    COMPREPLY=()
    while IFS= read -r line; do
        COMPREPLY+=("$line")
    done < <(dealbook __complete --shell bash -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
    # A field name ends in `=`: its value follows without a space.
    if [[ ${COMPREPLY[0]-} == *= ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}

complete -F _dealbook -o default dealbook
