# dealbook's fish completion. Install:
# `dealbook completions fish > ~/.config/fish/completions/dealbook.fish`.
# Each TAB asks `dealbook __complete` for the candidates: commands, flags, and the vault's
# record ids, field names, stages and templates.

function __dealbook_complete
    set -l before (commandline -opc)
    set -l current (commandline -ct)
    set -l found (dealbook __complete --shell fish -- $before[2..-1] "$current" 2>/dev/null)
    if set -q found[1]
        printf '%s\n' $found
    else
        __fish_complete_path "$current"
    end
end

complete -c dealbook -f -a '(__dealbook_complete)'
