# llm_gateway.h build.
#   make            optimized build/llmg and the examples (no sanitizers)
#   make demo       llmg chat against build/demo_server on loopback (no key, no network)
#   make test       every test under ASan + UBSan in build/asan/ (never touches build/llmg)
#   make test-valgrind  unit tests and a subset of the conformance runs under valgrind
#                   (plain builds in build/plain/)
#   make bench-hostile  hostile bodies through the stream: bytes, ending, peak memory
#   make fuzz-report    per fuzz target: executions, corpus size, edges
#   make clean
#
# Warnings are errors everywhere: -Wall -Wextra -Wpedantic -Wshadow -Wconversion
# on gcc and clang, as C99, C11 and C++11.

CC       ?= cc
CXX      ?= c++
WARN      = -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror
CFLAGS_O  = -std=c99 -O2 $(WARN)
SAN       = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS_A  = -std=c99 -O1 -g $(WARN) $(SAN)
CXXFLAGS_A = -std=c++11 -O1 -g $(WARN) $(SAN)
CFLAGS_P  = -std=c99 -O1 -g $(WARN)

HDR       = llm_gateway.h
TEST_SRC  = tests/test_main.c tests/test_base.c tests/test_sse.c tests/test_json.c \
            tests/test_pjson.c tests/test_errors.c tests/test_stream.c \
            tests/test_request.c tests/test_transport.c tests/test_alloc.c \
            tests/test_hostile.c
TEST_HDR  = tests/test.h tests/hostile.h
EXAMPLES  = build/llmg build/quickstart build/minimal build/stream build/demo_server
# libcurl gives llmg chat https:// (plain http:// needs nothing)
CURL_CFLAGS := $(shell pkg-config --exists libcurl 2>/dev/null && echo -DLLMG_HAVE_CURL)
CURL_LIBS   := $(shell pkg-config --exists libcurl 2>/dev/null && pkg-config --libs libcurl)
CURL_SRC    := $(if $(CURL_LIBS),examples/http_curl.c,)
# llmg loads libcurl at its first https request: its other commands start without it
LLMG_CURL   := $(if $(CURL_LIBS),$(CURL_CFLAGS) -DHTTP_CURL_DLOPEN,)
LLMG_LIBS   := $(if $(CURL_LIBS),-ldl,)
LLMG_SRC    = examples/llmg.c examples/transport.c examples/http_posix.c $(CURL_SRC)
LLMG_DEPS   = $(LLMG_SRC) examples/transport.h examples/http_posix.h examples/http_curl.h

.PHONY: all test test-valgrind clean demo
all: $(EXAMPLES)

build/llmg: $(LLMG_DEPS) $(HDR)
	@mkdir -p build
	@[ -n "$(CURL_LIBS)" ] || echo "note: libcurl not found: llmg chat speaks http:// only (for https://: apt-get install libcurl4-openssl-dev, then make again)"
	$(CC) $(CFLAGS_O) -D_POSIX_C_SOURCE=200809L $(LLMG_CURL) -o $@ $(LLMG_SRC) $(LLMG_LIBS)

build/quickstart: examples/quickstart.c examples/transport.c examples/http_posix.c $(CURL_SRC) \
                  examples/transport.h examples/http_posix.h $(HDR)
	@mkdir -p build
	$(CC) $(CFLAGS_O) -I. -D_POSIX_C_SOURCE=200809L $(CURL_CFLAGS) -o $@ examples/quickstart.c \
	    examples/transport.c examples/http_posix.c $(CURL_SRC) $(CURL_LIBS)

build/demo_server: examples/demo_server.c
	@mkdir -p build
	$(CC) $(CFLAGS_O) -o $@ examples/demo_server.c

build/minimal: examples/minimal.c $(HDR)
	@mkdir -p build
	$(CC) $(CFLAGS_O) -o $@ examples/minimal.c

build/stream: examples/stream.c $(HDR)
	@mkdir -p build
	$(CC) $(CFLAGS_O) -o $@ examples/stream.c

build/asan/llmg: $(LLMG_DEPS) $(HDR)
	@mkdir -p build/asan
	$(CC) $(CFLAGS_A) -D_POSIX_C_SOURCE=200809L $(LLMG_CURL) -o $@ $(LLMG_SRC) $(LLMG_LIBS)

build/asan/demo_server: examples/demo_server.c
	@mkdir -p build/asan
	$(CC) $(CFLAGS_A) -o $@ examples/demo_server.c

build/asan/conformance_errors: tests/conformance_errors.c tests/conformance.h $(HDR)
	@mkdir -p build/asan
	$(CC) $(CFLAGS_A) -o $@ tests/conformance_errors.c

build/asan/conformance_streams: tests/conformance_streams.c tests/conformance.h $(HDR)
	@mkdir -p build/asan
	$(CC) $(CFLAGS_A) -o $@ tests/conformance_streams.c

build/asan/conformance_requests: tests/conformance_requests.c tests/conformance.h $(HDR)
	@mkdir -p build/asan
	$(CC) $(CFLAGS_A) -o $@ tests/conformance_requests.c

build/asan/test_unit: $(TEST_SRC) $(TEST_HDR) $(HDR)
	@mkdir -p build/asan
	clang $(CFLAGS_A) -o $@ $(TEST_SRC)

# the same tests as C++11, with the other compiler
build/asan/test_unit_cxx: $(TEST_SRC) $(TEST_HDR) $(HDR)
	@mkdir -p build/asan
	clang++ -x c++ $(CXXFLAGS_A) -DLLMG_NO_SIMD -o $@ $(TEST_SRC)

# -DLLMG_NO_MALLOC on a fixed arena; any call of the libc allocator aborts
NOMALLOC_WRAP = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free
build/asan/test_nomalloc.o: tests/test_nomalloc.c $(HDR)
	@mkdir -p build/asan
	$(CC) $(CFLAGS_A) -DLLMG_NO_MALLOC -c -o $@ tests/test_nomalloc.c

build/asan/test_nomalloc: build/asan/test_nomalloc.o
	$(CC) $(SAN) $(NOMALLOC_WRAP) -o $@ build/asan/test_nomalloc.o

build/plain/test_unit: $(TEST_SRC) $(TEST_HDR) $(HDR)
	@mkdir -p build/plain
	$(CC) $(CFLAGS_P) -o $@ $(TEST_SRC)

test: build/asan/test_unit build/asan/test_unit_cxx build/asan/llmg build/asan/conformance_errors \
      build/asan/conformance_streams build/asan/conformance_requests build/asan/demo_server \
      build/asan/test_nomalloc
	@sh tests/run.sh

build/plain/conformance_streams: tests/conformance_streams.c tests/conformance.h $(HDR)
	@mkdir -p build/plain
	$(CC) $(CFLAGS_P) -o $@ tests/conformance_streams.c

build/plain/conformance_errors: tests/conformance_errors.c tests/conformance.h $(HDR)
	@mkdir -p build/plain
	$(CC) $(CFLAGS_P) -o $@ tests/conformance_errors.c

build/plain/llmg: $(LLMG_DEPS) $(HDR)
	@mkdir -p build/plain
	$(CC) $(CFLAGS_P) -D_POSIX_C_SOURCE=200809L $(LLMG_CURL) -o $@ $(LLMG_SRC) $(LLMG_LIBS)

test-valgrind: build/plain/test_unit build/plain/conformance_streams build/plain/conformance_errors \
               build/plain/llmg
	@sh tests/valgrind.sh

# the main job: llmg chat against a loopback server, no key, no network
demo: build/llmg build/demo_server
	@sh examples/demo.sh

clean:
	rm -rf build

# ---------------------------------------------------------------- bench and fuzz
# make bench: library rows (build/bench), then whole-process llmg replay
# (bench/replay.sh). make bench-peers: the same streams through other
# libraries (optional: Node.js and npm; see bench/README.md).
.PHONY: bench bench-peers fuzz fuzz-report
build/bench: bench/bench.c bench/gen.c bench/gen.h $(HDR)
	@mkdir -p build
	$(CC) $(CFLAGS_O) -o $@ bench/bench.c bench/gen.c

bench: build/bench build/llmg
	build/bench
	@sh bench/replay.sh build/bench-streams

bench-peers: build/bench build/llmg
	@sh bench/peers/run.sh build/bench-streams

# hostile bodies (tests/hostile.h) through the stream: bytes fed, ending, peak memory
.PHONY: bench-hostile
build/bench_hostile: bench/hostile.c tests/hostile.h $(HDR)
	@mkdir -p build
	$(CC) $(CFLAGS_O) -o $@ bench/hostile.c

bench-hostile: build/bench_hostile
	build/bench_hostile

FUZZ_SECONDS ?= 10
FUZZ_TARGETS  = json pjson sse errors stream request
FUZZ_CFLAGS   = -g -O1 -fno-sanitize-recover=all -fsanitize=address,undefined
build/fuzz/impl.o: fuzz/fuzz_impl.c $(HDR)
	@mkdir -p build/fuzz
	clang -std=c99 $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ fuzz/fuzz_impl.c

build/fuzz/fuzz_%: fuzz/fuzz_%.c build/fuzz/impl.o
	clang -std=c99 $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< build/fuzz/impl.o

# Each target runs FUZZ_SECONDS on a working copy of its seed corpus; any
# finding fails the run (libFuzzer exits non-zero and leaves crash-* files).
fuzz: $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p build/fuzz/corpus/$$t && cp -n fuzz/corpus/$$t/* build/fuzz/corpus/$$t/ 2>/dev/null; \
	    echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	    build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -dict=fuzz/$$t.dict \
	        -artifact_prefix=build/fuzz/ -print_final_stats=1 build/fuzz/corpus/$$t \
	        >build/fuzz/$$t.log 2>&1 || { tail -n 40 build/fuzz/$$t.log; exit 1; }; \
	    grep -E '^stat::(number_of_executed_units|new_units_added)|^#[0-9]+[[:space:]]+DONE' build/fuzz/$$t.log; \
	done

# per target: executions of the last make fuzz, corpus size, edges covered
# by the working corpus (a -runs=0 replay; no fuzzing)
fuzz-report:
	@FUZZ_TARGETS="$(FUZZ_TARGETS)" sh fuzz/report.sh
