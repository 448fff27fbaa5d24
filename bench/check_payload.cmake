# Test of the benchmark payload generator, run by ctest with `cmake -P`:
# generates small payloads and checks the verifier's verdict on them.
#   -DGEN=kvonce-gen -DTRACE=kvonce-trace -DWORK=scratch-dir -DINVALID_RATE=rate -DEXPECT=exit-code
# With EXPECT=0 the payloads must verify VALID (as one document and as gzipped JSON Lines) and
# generating twice must give the same bytes; with EXPECT=1 they must verify INVALID.
foreach(var GEN TRACE WORK INVALID_RATE EXPECT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_payload.cmake: -D${var}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

function(generate out)
  execute_process(
    COMMAND ${GEN} --spans 2000 --keys 150 --seed 7 --invalid-rate ${INVALID_RATE} ${ARGN} -o ${out}
    RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "kvonce-gen failed (${rc}): ${err}")
  endif()
endfunction()

function(check_verdict payload)
  execute_process(
    COMMAND ${TRACE} verify --format otlp -i ${payload} -d ${WORK}/out
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL EXPECT)
    message(FATAL_ERROR "verify ${payload}: exit ${rc}, expected ${EXPECT}\n${out}${err}")
  endif()
  if(EXPECT EQUAL 0)
    set(want "verify: VALID")
  else()
    set(want "verify: INVALID")
  endif()
  string(FIND "${out}" "${want}" at)
  string(FIND "${out}" "2000 events, 150 keys" counted)
  if(at EQUAL -1 OR counted EQUAL -1)
    message(FATAL_ERROR "verify ${payload}: expected '${want}' and 2000 events, 150 keys:\n${out}")
  endif()
endfunction()

generate(${WORK}/one.json --spans-per-document 300)
check_verdict(${WORK}/one.json)
generate(${WORK}/lines.jsonl.gz --jsonl --gzip --spans-per-document 300)
check_verdict(${WORK}/lines.jsonl.gz)

if(EXPECT EQUAL 0)
  generate(${WORK}/again.json --spans-per-document 300)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/one.json ${WORK}/again.json
                  RESULT_VARIABLE differ)
  if(NOT differ EQUAL 0)
    message(FATAL_ERROR "kvonce-gen is not deterministic: same options, different bytes")
  endif()
endif()
