# Encodes one text-format fixture with protoc: cmake -DPROTOC=.. -DPROTO_DIR=.. -DIN=.. -DOUT=.. -P
execute_process(
  COMMAND ${PROTOC} --proto_path=${PROTO_DIR} --encode=kvonce.fixture.TracesData fixture.proto
  INPUT_FILE ${IN} OUTPUT_FILE ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT})
  message(FATAL_ERROR "protoc --encode failed for ${IN}")
endif()
