# capplan: see README.md. `make` builds ./capplan, `make test` runs every CUnit suite under
# AddressSanitizer and UBSan, `make demo` runs the main job on the bundled sample data.
# Both `test` and `demo` first install any missing Debian packages (scripts/deps.sh).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS = libcurl libcrypto yajl sqlite3 yaml-0.1 libxml-2.0 zlib

# GLPK ships no .pc file on Debian: use pkg-config when a distribution has one, else -lglpk.
GLPK_CFLAGS := $(shell $(PKG_CONFIG) --cflags glpk 2>/dev/null)
GLPK_LIBS := $(shell $(PKG_CONFIG) --libs glpk 2>/dev/null || echo -lglpk)

# snprintf into fixed buffers truncates on purpose (bounded error lines): not a warning here
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Werror \
	-Wno-format-truncation
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) -I. \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) $(GLPK_CFLAGS)
LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) $(GLPK_LIBS) -lm
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

MODULES = util providers forecast solver reports planner
LIB_SRC = $(filter-out planner/main.c,$(foreach m,$(MODULES),$(wildcard $(m)/*.c)))
SUITE_SRC = $(filter-out tests/test_main.c,$(wildcard tests/test_*.c))
TEST_SRC = $(wildcard tests/*.c)
BENCH_SRC = $(wildcard bench/bench_*.c)
FUZZ_SRC = $(wildcard fuzz/fuzz_*.c)
HDRS = $(foreach m,$(MODULES),$(wildcard $(m)/*.h)) $(wildcard tests/*.h)

OBJ = $(LIB_SRC:%.c=build/rel/%.o)
SAN_OBJ = $(LIB_SRC:%.c=build/san/%.o)
TEST_OBJ = $(TEST_SRC:%.c=build/san/%.o)

.PHONY: all deps test check demo bench fuzz install uninstall clean
all: capplan

deps:
	@sh scripts/deps.sh

capplan: $(OBJ) build/rel/planner/main.o
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

build/rel/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/san/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	@$(CC) $(ALL_CFLAGS) -O1 $(SAN) -c -o $@ $<

# Every tests/test_<module>.c defines <module>_suite_register(); the list is generated so that
# adding a suite never means editing test_main.c.
build/san/tests/suites.h: $(SUITE_SRC)
	@mkdir -p $(dir $@)
	@sed -n 's/^void \([a-z0-9_]*_suite_register\)(void)$$/X(\1)/p' $(SUITE_SRC) > $@.tmp
	@mv $@.tmp $@

build/san/tests/%.o: tests/%.c build/san/tests/suites.h $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC test $<"
	@$(CC) $(ALL_CFLAGS) -Ibuild/san/tests -O1 $(SAN) -c -o $@ $<

build/san/capplan: $(SAN_OBJ) build/san/planner/main.o
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LIBS)

build/san/run_tests: $(SAN_OBJ) $(TEST_OBJ)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LIBS) $(shell $(PKG_CONFIG) --libs cunit)

# The suites run the sanitized binary too (CLI tests), and halt on the first sanitizer report.
test check: deps
	@$(MAKE) --no-print-directory build/san/run_tests build/san/capplan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1:exitcode=86 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87 \
	CAPPLAN_BIN="$(CURDIR)/build/san/capplan" CAPPLAN_SRC="$(CURDIR)" build/san/run_tests

demo: deps
	@$(MAKE) --no-print-directory capplan
	@sh scripts/demo.sh

build/bench/%: bench/%.c $(OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O2 -o $@ $< $(OBJ) $(LIBS)

bench: deps
	@$(MAKE) --no-print-directory capplan $(BENCH_SRC:bench/%.c=build/bench/%)
	@echo "benchmarks built in build/bench/; see bench/README.md for how to run each"

# libFuzzer targets: clang only.
build/fuzz/%: fuzz/%.c $(LIB_SRC)
	@mkdir -p $(dir $@)
	clang $(filter-out -Werror,$(ALL_CFLAGS)) -Wno-unknown-warning-option -O1 -g -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(LIB_SRC) $(LIBS)

fuzz:
	@CAPPLAN_EXTRA_PKGS="clang libclang-rt-14-dev" sh scripts/deps.sh
	@$(MAKE) --no-print-directory $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)

install: capplan
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 capplan $(DESTDIR)$(BINDIR)/capplan

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/capplan

clean:
	rm -rf build capplan
