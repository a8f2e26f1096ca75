# shellcheck shell=bash
# Process helpers shared by deploy/local/*.sh and deploy/bench/*.sh; sourced, not run.

# proc_alive PID: the process exists and is not a zombie (PID 1 here may never reap the processes it inherits, so
# kill -0 is not enough)
proc_alive() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}
