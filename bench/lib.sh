# SPDX-License-Identifier: GPL-3.0-or-later
#
# The benchmark's pieces, read by bench/run: starting and stopping one
# server, running the load against it, keeping what each run measured, and
# writing the table. Every server and watcher is started here, pinned, and
# ended here by its PID; the load ends by itself.
#
# Set before use: $build, $results, $round.

cli="$build/src/cli/protolab-cli"
epoll_server="$build/bench/protolab-bench-baseline"
gio_server="$build/bench/protolab-bench-gio-echo"
udp_server="$build/bench/protolab-bench-udp-baseline"
load="$build/bench/protolab-bench-load"

server_pid=""
watcher_pid=""
perf_pid=""
port=""

# The server on one processor, the load (and whatever watches) on the other:
# where the scheduler happens to put two threads that ping-pong changes a
# round trip by half, and every server is measured on the same footing.
server_cpu=""
load_cpu=""
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
  server_cpu="taskset -c 1"
  load_cpu="taskset -c 0"
fi

build_programs () {
  [ -f "$build/build.ninja" ] || meson setup "$build" "$top" >/dev/null
  ninja -C "$build" src/cli/protolab-cli bench/protolab-bench-baseline bench/protolab-bench-gio-echo \
    bench/protolab-bench-udp-baseline bench/protolab-bench-load bench/protolab-bench-capture bench/protolab-bench-link >/dev/null
}

# start_server KEY SPEC: SPEC is one of
#   epoll READ_SIZE BACKLOG | gio READ_SIZE BACKLOG | udp READ_SIZE
#   python | traced      (bench/py-echo.py alone, and under protolab-cli trace)
#   lab COMMAND OPTION…   (protolab-cli COMMAND, echo, --quiet, recording all)
# on a free port; returns once it listens, or fails.
start_server () {
  name=$1
  shift
  port=$("$load" free-port)
  proto=tcp
  case "$1" in
    epoll) $server_cpu "$epoll_server" "$port" "$2" "$3" 2>"$results/server.err" & ;;
    gio)   $server_cpu "$gio_server" "$port" "$2" "$3" 2>"$results/server.err" & ;;
    udp)   proto=udp; $server_cpu "$udp_server" "$port" "$2" 2>"$results/server.err" & ;;
    python) $server_cpu python3 "$top/bench/py-echo.py" "$port" 2>"$results/server.err" & ;;
    traced)
      # The same Python server under the lab's tracer, every call recorded
      $server_cpu "$cli" trace --quiet --name "$name" -- python3 "$top/bench/py-echo.py" "$port" \
        2>"$results/server.err" &
      grep -qx "$name" "$results/lab-keys" 2>/dev/null || echo "$name" >>"$results/lab-keys"
      ;;
    lab)
      shift
      [ "$1" = udp-server ] && proto=udp
      command=$1
      shift
      $server_cpu "$cli" "$command" --port "$port" --behaviour echo --quiet --name "$name" "$@" \
        2>"$results/server.err" &
      grep -qx "$name" "$results/lab-keys" 2>/dev/null || echo "$name" >>"$results/lab-keys"
      ;;
  esac
  server_pid=$!
  $load_cpu "$load" watch pid="$server_pid" >"$results/watch.out" &
  watcher_pid=$!
  if ! "$load" ready port="$port" proto="$proto" >/dev/null 2>&1; then
    printf 'bench: %s did not start: %s\n' "$name" "$(cat "$results/server.err")" >&2
    stop_server "$name"
    return 1
  fi
}

# Asks the server to stop (the lab prints its summary then), and waits; 30
# seconds at most before it is killed. How long it took is kept too.
stop_server () {
  [ -n "$server_pid" ] || return 0
  asked=$(date +%s.%N)
  deadline=$(($(date +%s) + 30))
  kill -TERM "$server_pid" 2>/dev/null || true
  while :; do
    # Ended: gone, or a zombie until it is waited for.
    case "$(ps -o stat= -p "$server_pid")" in ''|Z*) break ;; esac
    if [ "$(date +%s)" -ge "$deadline" ]; then
      server_hung "$1"
      kill -KILL "$server_pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  wait "$watcher_pid" 2>/dev/null || true
  watcher_pid=""
  keep_figures "$1" "$(cat "$results/watch.out") stop_seconds=$(calc '%.1f' "$(date +%s.%N) - $asked")"
  grep -v '^$' "$results/server.err" >>"$results/$1.summary" || true
}

# A server that did not stop within 30 s of being asked: which of its
# threads are left, and where each waits in the kernel, for whoever mends
# it; then it is killed.
server_hung () {
  printf 'bench: round %s, %s did not stop in 30 s: killed\n' "$round" "$1" >&2
  {
    printf '%s, round %s: ' "$1" "$round"
    for task in /proc/"$server_pid"/task/*; do
      printf '%s (%s) ' "$(cat "$task/comm")" "$(cat "$task/wchan")"
    done
    printf '\n'
  } >>"$results/hung" 2>/dev/null || true
}

# On the way out, whatever was under way: the profiler first, as it
# watches the server.
stop_all () {
  if [ -n "$perf_pid" ]; then
    kill -INT "$perf_pid" 2>/dev/null || true
    wait "$perf_pid" 2>/dev/null || true
  fi
  stop_server interrupted
}

# keep_figures KEY "NAME=VALUE …": one line a run in $results/KEY.NAME.
keep_figures () {
  for figure in $2; do
    echo "${figure#*=}" >>"$results/$1.${figure%%=*}"
  done
}

# run_one KEY "SERVER SPEC" "LOAD MODE OPTION…": one run of the load against
# a server started for it.
run_one () {
  start_server "$1" $2 || return 0
  if figures=$($load_cpu "$load" $3 port="$port" pid="$server_pid" 2>"$results/load.err"); then
    keep_figures "$1" "$figures"
  else
    printf 'bench: round %s, %s: %s\n' "$round" "$1" "$(cat "$results/load.err")" >&2
  fi
  echo "$2" >"$results/$1.server"
  echo "$3" >"$results/$1.load"
  stop_server "$1"
}

# pair BASE_KEY "BASE SPEC" LAB_KEY "LAB SPEC" "LOAD" [LAB LOAD]: the
# baseline and the lab under the same load, the baseline first in odd
# rounds and second in even ones.
pair () {
  if [ $((round % 2)) -eq 1 ]; then
    run_one "$1" "$2" "$5"
    run_one "$3" "$4" "${6:-$5}"
  else
    run_one "$3" "$4" "${6:-$5}"
    run_one "$1" "$2" "$5"
  fi
}

median () {
  [ -s "$1" ] || return 0
  sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

maximum () {
  [ -s "$1" ] || return 0
  sort -g "$1" | tail -n 1
}

# worst median|maximum FIELD KEY…: "VALUE KEY" of the key whose figure is
# largest.
worst () {
  how=$1
  field=$2
  shift 2
  for key in "$@"; do
    value=$($how "$results/$key.$field")
    [ -z "$value" ] || echo "$value $key"
  done | sort -g | tail -n 1
}

calc () {
  awk "BEGIN { printf \"$1\", $2 }"
}

# The lab runs to profile: those of the goals missed.
missed () {
  grep -qx "$1" "$results/missed" 2>/dev/null || echo "$1" >>"$results/missed"
}

# A figure with as many decimals as it needs to say something.
num () {
  awk "BEGIN { v = $1; a = v < 0 ? -v : v; printf (a >= 100 ? \"%.0f\" : a >= 10 ? \"%.1f\" : \"%.2f\"), v }"
}

# row_ratio GOAL LABEL LAB_KEY BASE_KEY FIELD UNIT ge|le LIMIT: a goal set as
# a ratio of the baseline's median.
row_ratio () {
  lab=$(median "$results/$3.$5")
  base=$(median "$results/$4.$5")
  sign=$([ "$7" = ge ] && echo ≥ || echo ≤)
  if [ -z "$lab" ] || [ -z "$base" ]; then
    printf '| %s | %s | — | — | — | %s %s× | ✘ no figure |\n' "$1" "$2" "$sign" "$8"
    missed "$3"
    return
  fi
  met=$(awk "BEGIN { r = $lab / $base; print ((\"$7\" == \"ge\") ? r >= $8 : r <= $8) ? \"✔\" : \"✘\" }")
  [ "$met" = ✔ ] || missed "$3"
  printf '| %s | %s | %s %s | %s %s | %s× | %s %s× | %s |\n' "$1" "$2" "$(num "$lab")" "$6" \
    "$(num "$base")" "$6" "$(calc '%.2f' "$lab / $base")" "$sign" "$8" "$met"
}

# row_bound GOAL LABEL FIGURE BOUND UNIT LAB_KEY: a goal set as a bound; the
# ratio is the figure's to the bound.
row_bound () {
  if [ -z "$3" ]; then
    printf '| %s | %s | — | %s %s (bound) | — | ≤ 1× | ✘ no figure |\n' "$1" "$2" "$(num "$4")" "$5"
    missed "$6"
    return
  fi
  met=$(awk "BEGIN { print $3 <= $4 ? \"✔\" : \"✘\" }")
  [ "$met" = ✔ ] || missed "$6"
  printf '| %s | %s | %s %s | %s %s (bound) | %s× | ≤ 1× | %s |\n' "$1" "$2" "$(num "$3")" "$5" \
    "$(num "$4")" "$5" "$(calc '%.2f' "$3 / $4")" "$met"
}

# profile KEY: the lab's server of KEY once more, under its load, with perf
# recording it: where it spent its time, by thread and by symbol. A load
# that holds connections idle is profiled in two parts: until they are all
# connected and echoed, then while they are held.
profile () {
  server_spec=$(cat "$results/$1.server")
  load_spec=$(cat "$results/$1.load")
  start_server "$1" $server_spec || return 0
  # perf takes a moment to attach: the load starts after it.
  start_perf "$1"
  sleep 1
  : >"$results/profile.out"
  $load_cpu "$load" $load_spec port="$port" pid="$server_pid" >"$results/profile.out" 2>&1 &
  load_pid=$!
  case "$load_spec" in
    *idle=*)
      # The load writes its first figures once the connections are all held.
      tries=0
      while ! grep -q seconds= "$results/profile.out" && [ "$tries" -lt 600 ]; do
        sleep 0.1
        tries=$((tries + 1))
      done
      stop_perf
      start_perf "$1.idle"
      ;;
  esac
  wait "$load_pid" || true
  stop_perf
  stop_server "$1.profile"
  printf '\n%s: %s; load: %s\n' "$1" "$server_spec" "$load_spec"
  report_perf "$1" ""
  [ ! -f "$results/$1.idle.perf" ] || report_perf "$1.idle" ", holding the connections idle"
}

start_perf () {
  $load_cpu perf record -q -F 999 -p "$server_pid" -o "$results/$1.perf" >/dev/null 2>&1 &
  perf_pid=$!
}

stop_perf () {
  kill -INT "$perf_pid" 2>/dev/null || true
  wait "$perf_pid" || true
  perf_pid=""
}

report_perf () {
  printf '\nby thread%s:\n\n' "$2"
  perf_top "$1" comm 6
  printf '\nby symbol%s:\n\n' "$2"
  perf_top "$1" dso,sym 15
}

# perf_top KEY SORT LINES: the first lines of the profile's report.
perf_top () {
  perf report -i "$results/$1.perf" --stdio --no-children --sort "$2" --percent-limit 1 2>/dev/null |
    grep -v '^#' | grep -v '^$' | head -n "$3" | sed 's/ *$//; s/^/  /'
}
