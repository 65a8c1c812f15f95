#!/usr/bin/env bash
# Fuzzes the parsers that read untrusted input, one target after another, with Jazzer (JAZZER_FUZZ=1).
#
#   scripts/fuzz.sh            # 60 seconds per target
#   scripts/fuzz.sh 600        # 10 minutes per target
#   scripts/fuzz.sh 30 notepack cluster   # only some targets (names below)
#
# Each target runs alone, under `nice -n 19`, in a test JVM of at most 256 MB of heap (-Xmx256m). Jazzer keeps the
# corpus it grows in <module>/.cifuzz-corpus/<class>/<method>/ (not committed) and writes a crashing input to the
# target's seed directory, <module>/src/test/resources/<package>/<Class>Inputs/<method>/crash-<sha1>, where a normal
# `mvn verify` then replays it as a regression test. Logs: target/fuzz/<target>.log. A summary is printed at the end;
# the exit status is non-zero if any target found something.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${1:-60}
shift || true
if ! [[ $seconds =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: $0 [seconds-per-target] [target...]" >&2
  exit 2
fi

# name | module | test class (simple name) | method | package path of its seed directory | classes whose coverage
# guides the fuzzer (Jazzer's default is the module's own classes; msgpack-core's branches matter for notepack)
all_targets=(
  "engine|engine|EngineParserFuzzTest|decode|io/switchboard/engine|"
  "decoder|server|PacketDecoderFuzzTest|decode|io/switchboard/server/parser|"
  "notepack|redis|NotepackCodecFuzzTest|decode|io/switchboard/redis|io.switchboard.**,org.msgpack.**"
  "cluster|server|ClusterMessageMapperFuzzTest|read|io/switchboard/server|"
)
wanted=("$@")

selected=()
for t in "${all_targets[@]}"; do
  name=${t%%|*}
  if [ ${#wanted[@]} -eq 0 ] || [[ " ${wanted[*]} " == *" $name "* ]]; then
    selected+=("$t")
  fi
done
if [ ${#selected[@]} -eq 0 ]; then
  echo "no such target: ${wanted[*]} (targets: engine decoder notepack cluster)" >&2
  exit 2
fi

mkdir -p target/fuzz
echo "== compiling (tests skipped)"
nice -n 19 mvn -B -q -pl engine,server,redis -am test-compile >target/fuzz/compile.log 2>&1 || {
  cat target/fuzz/compile.log
  exit 1
}

summary=()
failed=0
for t in "${selected[@]}"; do
  IFS='|' read -r name module class method pkg instrument <<<"$t"
  log=target/fuzz/$name.log
  seeds=$module/src/test/resources/$pkg/${class}Inputs/$method
  crashes_before=$(ls "$seeds" 2>/dev/null | grep -c '^crash-' || true)
  echo "== $name: $class#$method for ${seconds}s (log: $log)"
  start=$(date +%s)
  extra=()
  [ -n "$instrument" ] && extra+=("-Djazzer.instrument=$instrument")
  JAZZER_FUZZ=1 nice -n 19 mvn -B -pl "$module" -am test \
    -Dtest="$class#$method" -Dsurefire.failIfNoSpecifiedTests=false \
    -DargLine=-Xmx256m -Djazzer.max_duration="${seconds}s" -Djazzer.hooks=true -DtrimStackTrace=false "${extra[@]}" \
    >"$log" 2>&1
  rc=$?
  took=$(($(date +%s) - start))
  # libFuzzer's own statistics go to the test JVM's native stderr, which Surefire may keep in a .dumpstream file
  stats=$( { cat "$log"; cat "$module"/target/surefire-reports/*.dumpstream 2>/dev/null; } \
    | grep -aE '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' | tail -1)
  runs=$( { cat "$log"; cat "$module"/target/surefire-reports/*.dumpstream 2>/dev/null; } \
    | grep -aoE 'Done [0-9]+ runs in [0-9]+ second' | tail -1)
  execs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$stats")
  cov=$(grep -oE 'cov: [0-9]+' <<<"$stats" | tail -1)
  ft=$(grep -oE 'ft: [0-9]+' <<<"$stats" | tail -1)
  corp=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' <<<"$stats" | tail -1)
  eps=$(grep -oE 'exec/s: [0-9]+' <<<"$stats" | tail -1)
  crashes_after=$(ls "$seeds" 2>/dev/null | grep -c '^crash-' || true)
  new_crashes=$((crashes_after - crashes_before))
  corpus_files=$(ls "$module/.cifuzz-corpus/io.switchboard"*".$class/$method" 2>/dev/null | wc -l)
  finding=$(grep -aoE 'FuzzTestFindingException: .{0,200}' "$log" | head -1)
  if [ $new_crashes -gt 0 ] || [ -n "$finding" ]; then
    failed=1
    verdict="FINDING: $new_crashes new crash file(s) in $seeds; ${finding#FuzzTestFindingException: }"
  elif [ $rc -ne 0 ]; then
    failed=1
    verdict="ERROR (exit $rc, no finding): $(grep -aE 'ParseDictionaryFile|ExitCodeException|COMPILATION ERROR' "$log" | head -1)"
  else
    verdict="no finding"
  fi
  summary+=("$(printf '%-9s %4ss  execs: %-9s %-14s %-10s %-10s %-20s corpus files: %-5s %s' \
    "$name" "$took" "${execs:-?}" "${eps:-exec/s: ?}" "${cov:-cov: ?}" "${ft:-ft: ?}" "${corp:-corp: ?}" \
    "$corpus_files" "$verdict")")
  [ -n "$runs" ] && summary+=("          libFuzzer: $runs(s)")
done

echo
echo "== summary ($(date -u '+%Y-%m-%d %H:%M UTC'), ${seconds}s per target, -Xmx256m, nice -n 19)"
printf '%s\n' "${summary[@]}"
exit $failed
