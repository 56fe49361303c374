# Fuzz targets: libFuzzer with clang, ASan and UBSan (see fuzz/README).
#
#   make fuzz               build every fuzz/fuzz_*.c, run each for
#                           FUZZ_SECONDS (60) seconds, FUZZ_JOBS (1) at once
#   make fuzz-short         the CI run: FUZZ_SHORT_SECONDS (25) each, 2 at once
#   make fuzz FUZZ_RUNS=10000000   stop each target after that many runs
#                           (FUZZ_SECONDS still caps the time)
#   make fuzz-build         only build build-fuzz/bin/fuzz_*
#   make fuzz FUZZ_TARGETS="fuzz_addr fuzz_line"   a subset
#   make fuzz FUZZ_TIMEOUT=1800   an input running longer (wall time) is a
#                           timeout; 10 s by default.  Long runs on a
#                           machine where the fuzzer may be stopped or
#                           starved for a while need more.
#
# The library is compiled again with clang and the fuzzer instrumentation
# into build-fuzz/ (never the normal build's objects).  A run fails on any
# crash, leak, timeout or sanitizer report; reproducers are left in
# build-fuzz/artifacts/TARGET/.  New corpus entries go to
# build-fuzz/corpus/TARGET/, the committed seeds in fuzz/corpus/ are only read.

FUZZ_O        := build-fuzz
FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 60
FUZZ_SHORT_SECONDS ?= 25
FUZZ_JOBS     ?= 1
FUZZ_RUNS     ?= -1
FUZZ_TIMEOUT  ?= 10
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
FUZZ_CFLAGS   = -std=c11 -Wall -Wextra -O1 -g $(FUZZ_SAN) \
                -fsanitize=fuzzer-no-link -D_GNU_SOURCE -Iinclude -MMD -MP
FUZZ_LIB_OBJ  := $(LIB_SRC:%.c=$(FUZZ_O)/%.o)
FUZZ_ALL      := $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_TARGETS  ?= $(FUZZ_ALL)
FUZZ_BINS     := $(FUZZ_TARGETS:%=$(FUZZ_O)/bin/%)

.PHONY: fuzz fuzz-short fuzz-build
.PRECIOUS: $(FUZZ_O)/fuzz/%.o

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@fuzz/run -o $(FUZZ_O) -t $(FUZZ_SECONDS) -n $(FUZZ_RUNS) \
	    -T $(FUZZ_TIMEOUT) -j $(FUZZ_JOBS) $(FUZZ_TARGETS)

# Built with two jobs: from a clean clone the build is a third of the run.
fuzz-short:
	@$(MAKE) --no-print-directory -j2 fuzz-build
	@fuzz/run -o $(FUZZ_O) -t $(FUZZ_SHORT_SECONDS) -j 2 $(FUZZ_TARGETS)

$(FUZZ_O)/libmailkit.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

# Library files are built without -Werror: clang warns about things gcc
# does not, and a warning there must not hide what the fuzzers find.
$(FUZZ_O)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_O)/fuzz/%.o: fuzz/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -c -o $@ $<

$(FUZZ_O)/bin/%: $(FUZZ_O)/fuzz/%.o $(FUZZ_O)/libmailkit.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< \
	    $(FUZZ_O)/libmailkit.a $(LDLIBS)

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_ALL:%=$(FUZZ_O)/fuzz/%.d)
