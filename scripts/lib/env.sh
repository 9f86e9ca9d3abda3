# Shared by ./diloco and scripts/*: finds a JDK 21+ without anyone exporting anything, and sets the
# native-thread environment that has to exist before the JVM starts.
# shellcheck shell=bash

# java_major JAVA_BIN -> prints the feature version (17, 21, 25, ...) or nothing.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

# find_jdk: sets JAVA_HOME to a JDK (with javac) of version >= 21. Order: $JAVA_HOME, java on PATH,
# then /usr/lib/jvm/* (newest first).
find_jdk() {
  local c v best="" best_v=0
  # 1. JAVA_HOME, 2. java on PATH: the first that is 21+ wins.
  local first=()
  [ -n "${JAVA_HOME:-}" ] && first+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    c=$(readlink -f "$(command -v java)"); first+=("${c%/bin/java}")
  fi
  for c in "${first[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$(java_major "$c/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then best="$c"; best_v="$v"; break; fi
  done
  # 3. Otherwise the newest JDK 21+ under /usr/lib/jvm.
  if [ -z "$best" ]; then
    for c in /usr/lib/jvm/*; do
      [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
      v=$(java_major "$c/bin/java")
      if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$c"; best_v="$v"; fi
    done
  fi
  if [ -z "$best" ]; then
    echo "diloco: no JDK 21 or newer found (looked at \$JAVA_HOME, java on PATH and /usr/lib/jvm/*)." >&2
    echo "        Install one (e.g. apt-get install openjdk-21-jdk) and run again." >&2
    return 1
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
  JAVA_MAJOR="$best_v"
}

# JVM flags for running diloco4j: JavaCPP uses JNI and sun.misc.Unsafe, which newer JDKs warn about.
jvm_flags() {
  local flags=(--enable-native-access=ALL-UNNAMED)
  [ "${JAVA_MAJOR:-21}" -ge 23 ] && flags+=(--sun-misc-unsafe-memory-access=allow)
  printf '%s\n' "${flags[@]}"
}

# Threads of native math libraries are read once, when the library loads: they must be in the
# environment before the JVM starts (a Java call to blas_set_num_threads had no effect).
# diloco4j parallelises the GPT itself: a training step splits the batch over `trainer.threads`
# Java threads (default: all cores), each running single-threaded libtorch ops, so libtorch's
# OpenMP pool and OpenBLAS's pthread pool must stay at one thread. Letting the pools have more
# (the libtorch default) makes their idle-spinning threads fight over the cores: on 2 cores,
# 0.45-0.96x PyTorch depending on the arrangement, against 1.06x median (0.98-1.16x per round)
# this way (docs/bench/gpt-throughput.md). Values already set are kept.
native_thread_env() {
  export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
  export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
  # Should anyone raise the counts above, their OpenMP workers sleep instead of spinning when idle.
  export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
}

# glibc malloc, read when the process starts: one arena, no mmap for large blocks, no trimming, so the
# tensors a training step frees are reused by the next one instead of being unmapped and page-faulted
# in again. With GPT-2's vocabulary every step frees (vocab × d_model)-sized gradients (154 MB each
# at 124M): as shipped before, 130k minor faults per step and system time 18 % of user time at 124M;
# with these, 2.8 % (docs/bench/gpt2-small-cpu.md). Values already set are kept.
native_alloc_env() {
  export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"
  export MALLOC_MMAP_MAX_="${MALLOC_MMAP_MAX_:-0}"
  export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-17179869184}"
}

# JVM flags that hand glibc's free heap memory back to the kernel now and then (malloc_trim through
# -XX:TrimNativeHeapInterval, JDK 22+), for the long-running networked processes. Their glibc heap holds
# far more free memory than live (coordinator: ~115 MB live, ~190-230 MB free at 1,000 outer steps,
# jcmd System.native_heap_info), and that free memory is touched again chunk by chunk as the process
# runs, which is what made their RSS creep (docs/bench/soak.md). The settings above never trim (what
# training wants, step after step), and glibc's defaults trim only the top of the heap: the coordinator
# crept the same with either. Every 10 s for the coordinator, every 60 s for a worker (its steps reuse
# what the last step freed: a trim costs one step's page faults again). Other commands: none, so
# `train` runs as before. DILOCO_NATIVE_TRIM=SECONDS overrides it for any command (0: off).
native_trim_flags() {  # COMMAND
  local s
  case "${1:-}" in
    coordinator) s=10 ;;
    worker) s=60 ;;
    *) s=0 ;;
  esac
  s="${DILOCO_NATIVE_TRIM:-$s}"
  if ! [[ "$s" =~ ^[0-9]+$ ]]; then
    echo "diloco: DILOCO_NATIVE_TRIM=$s: must be a whole number of seconds (0: off)" >&2
    return 1
  fi
  [ "$s" -gt 0 ] && [ "${JAVA_MAJOR:-21}" -ge 22 ] && echo "-XX:TrimNativeHeapInterval=$((10#$s * 1000))"
  return 0
}

mvn_cmd() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "diloco: Maven (mvn) is needed to build; install it (apt-get install maven)." >&2
    return 1
  fi
  # Maven itself runs on the chosen JDK; silence its own (guava) Unsafe warnings on JDK 23+.
  if [ "${JAVA_MAJOR:-21}" -ge 23 ]; then
    MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn -B -Dstyle.color=never "$@"
  else
    mvn -B -Dstyle.color=never "$@"
  fi
}
