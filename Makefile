# mailkit: build, test and install.
#
#   make               build every program into $(O)/bin (default O=build)
#   make check         install test packages if root, build, run every test
#   make check-asan    the same suite built with ASan + UBSan in build-asan/
#   make run           a complete mail system on loopback high ports
#   make demo          one scripted round trip through it with real clients
#   make torture       crash torture: 10,000 messages under random kill -9
#   make bench         benchmarks (scripts/bench), tables for README.md
#   make install       PREFIX=/usr/local DESTDIR= ...
#
# Every lib/*.c goes into libmailkit.a, every cmd/NAME.c is one program,
# every tests/unit/test_*.c is one unit test binary.  New files are picked
# up by the wildcards below; nothing here needs editing to add a module.

O        ?= build
CC       ?= cc
OPTFLAGS ?= -O2
SAN      ?=
CFLAGS   ?=
CFLAGS_ALL = -std=c11 -Wall -Wextra -Werror $(OPTFLAGS) $(SAN) -g \
             -D_GNU_SOURCE -Iinclude -MMD -MP $(CFLAGS)
LDFLAGS  ?=
# No -lssl -lcrypto: lib/ossl.c loads libssl when TLS is first used.
LDLIBS   = -Wl,--as-needed -lresolv -lcrypt $(EXTRA_LIBS)
# Libraries that only some modules need are listed in scripts/libs so that
# adding one touches no shared rule.
EXTRA_LIBS := $(shell cat scripts/libs 2>/dev/null)

PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   = $(PREFIX)/sbin
MANDIR   = $(PREFIX)/share/man

LIB_SRC  := $(wildcard lib/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(O)/%.o)
CMD_SRC  := $(wildcard cmd/*.c)
PROGS    := $(CMD_SRC:cmd/%.c=$(O)/bin/%)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNITS    := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
MANPAGES := $(wildcard man/*.[1-8])

ASAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer

.PHONY: all units deps check check-asan check-run bench install clean \
        lint-man run demo torture

all: $(PROGS)

units: $(UNITS)

$(O)/libmailkit.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(O)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(O)/cmd/%.o: cmd/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(O)/bin/%: $(O)/cmd/%.o $(O)/libmailkit.a
	@mkdir -p $(dir $@)
	$(CC) $(SAN) $(LDFLAGS) -o $@ $< $(O)/libmailkit.a $(LDLIBS)

$(O)/tests/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit -c -o $@ $<

$(O)/tests/%: $(O)/tests/%.o $(O)/libmailkit.a
	$(CC) $(SAN) $(LDFLAGS) -o $@ $< $(O)/libmailkit.a $(LDLIBS)

deps:
	@scripts/deps

check: deps
	@$(MAKE) --no-print-directory all units
	@scripts/run-tests $(O)

check-asan: deps
	@$(MAKE) --no-print-directory O=build-asan SAN="$(ASAN_FLAGS)" \
	    OPTFLAGS=-O1 all units
	@SANITIZE=1 scripts/run-tests build-asan

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/mailkit-run $(O)

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo $(O)

torture: deps all
	@scripts/torture -b $(CURDIR)/$(O)/bin

bench: deps all
	@scripts/bench $(O)

lint-man:
	mandoc -Tlint -Wwarning $(MANPAGES)

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)
	ln -sf mail-submit $(DESTDIR)$(BINDIR)/sendmail
	ln -sf mail-submit $(DESTDIR)$(BINDIR)/mailq
	for p in $(MANPAGES); do \
	    s=$${p##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
	    install -m 644 $$p $(DESTDIR)$(MANDIR)/man$$s; done

clean:
	rm -rf build build-asan build-fuzz

# Fuzz targets (make fuzz, make fuzz-short) live in fuzz/ with their own
# rules.
-include fuzz/fuzz.mk

-include $(LIB_OBJ:.o=.d) $(PROGS:$(O)/bin/%=$(O)/cmd/%.d) \
         $(UNITS:%=%.d)
