# Rekisteri — build, test, run and install.
#
#   make            build the core library, the FastCGI executables and the CLI
#   make test       install missing Debian packages, build, run every test
#   make run        install, build, start Apache on http://127.0.0.1:$(PORT)/
#   make SAN=1 ...  the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make install PREFIX=/usr/local DESTDIR=
#
# Site overrides go in an optional Makefile.local.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/lib/rekisteri
DATADIR ?= $(PREFIX)/share/rekisteri
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
DESTDIR ?=
PORT ?= 8080
# The web server of `make run`, `make test-http` and `make browser`: apache
# or nginx. `make test` runs the HTTP and browser tests behind both, unless
# SERVER is given.
ifeq ($(origin SERVER),undefined)
TEST_SERVERS = apache nginx
else
TEST_SERVERS = $(SERVER)
endif
SERVER ?= apache

CC ?= cc
PKGS = fcgi sqlite3 libxml-2.0 libsodium inih liboath libqrencode libseccomp libcmark
TEST_PKGS = cmocka libcurl

-include Makefile.local

WARN = -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
       -Wformat=2 -Wvla -Wpointer-arith
ifeq ($(SAN),1)
BUILD ?= build-san
OPT = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
SANLD = -fsanitize=address,undefined
else
BUILD ?= build
OPT = -O2 -g -D_FORTIFY_SOURCE=2
SANLD =
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcsv has no pkg-config file.
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv
TEST_CFLAGS := $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS := $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

ALL_CFLAGS = -std=c17 -D_DEFAULT_SOURCE $(WARN) $(OPT) -fstack-protector-strong -fPIE \
             -Ilib $(PKG_CFLAGS) -MMD -MP $(CFLAGS)
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(SANLD) $(LDFLAGS)

LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIBA := $(BUILD)/librekisteri.a

# Each executable is cgi-bin/NAME.c, or every cgi-bin/NAME/*.c (one file per area, as cgit).
CGI_SRC := $(sort $(wildcard cgi-bin/*.c))
CGI_DIRS := $(sort $(patsubst %/,%,$(dir $(wildcard cgi-bin/*/*.c))))
CGI_DIR_SRC := $(sort $(wildcard cgi-bin/*/*.c))
CGI_BIN := $(CGI_SRC:%.c=$(BUILD)/%) $(CGI_DIRS:%=$(BUILD)/%)

CLI := $(BUILD)/rekisteri
CLI_SRC := $(sort $(wildcard tools/*.c))
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:%.c=$(BUILD)/%)
# Shell tests that start servers of their own (make run twice, on two ports).
SH_TESTS := $(sort $(wildcard tests/sh/test_*.sh))
HTTP_SRC := $(sort $(wildcard tests/http/test_*.c))
HTTP_BIN := $(HTTP_SRC:%.c=$(BUILD)/%)
TESTAPP := $(BUILD)/tests/http/testapp
# Fault tests (#17, docs/faults.md): `make test-faults`, run by .ci/run.
FAULT_SRC := $(sort $(wildcard tests/faults/test_*.c))
FAULT_BIN := $(FAULT_SRC:%.c=$(BUILD)/%)

BROWSER_RUN := tests/browser/run.sh
BROWSER_STAMP := tests/browser/node_modules/.package-lock.json

BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_BIN := $(BENCH_SRC:%.c=$(BUILD)/%)

.PHONY: all deps deps-run test unit http test-http test-faults run install install-system deb package-check deploy-check uninstall clean check-templates \
        bench bench-check bench-baseline bench-notice bench-tickets bench-customers bench-retention \
        cppcheck clang-tidy lint browser units-check man-lint
.DEFAULT_GOAL := all
.SECONDARY:

all: $(LIBA) $(CGI_BIN) $(CLI)

deps:
	@sh scripts/deps.sh test

deps-run:
	@SERVER=$(SERVER) sh scripts/deps.sh run

# V=1 shows whole command lines.
ifeq ($(V),1)
Q =
E = @:
else
Q = @
E = @echo
endif

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(E) "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@mkdir -p $(@D)
	$(E) "  AR      $@"
	$(Q)$(AR) rcs $@ $^

$(BUILD)/cgi-bin/%: $(BUILD)/cgi-bin/%.o $(LIBA)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Objects of a multi-file executable live apart: build/cgi-bin/NAME is the program.
$(BUILD)/parts/%.o: %.c
	@mkdir -p $(@D)
	$(E) "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

define cgi_dir_rule
$(BUILD)/$(1): $(patsubst %.c,$(BUILD)/parts/%.o,$(wildcard $(1)/*.c)) $(LIBA)
	$$(E) "  LD      $$@"
	$$(Q)$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(PKG_LIBS)
endef
$(foreach d,$(CGI_DIRS),$(eval $(call cgi_dir_rule,$(d))))

$(CLI): $(CLI_OBJ) $(LIBA)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%.o: ALL_CFLAGS += $(TEST_CFLAGS) -Wno-missing-prototypes
$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(LIBA)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)
$(BUILD)/tests/http/test_%: $(BUILD)/tests/http/test_%.o $(BUILD)/tests/http/http.o $(BUILD)/tests/http/http_run.o $(LIBA)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)
$(BUILD)/tests/faults/test_%: $(BUILD)/tests/faults/test_%.o $(BUILD)/tests/faults/faults.o $(BUILD)/tests/http/http.o $(BUILD)/tests/http/http_run.o $(LIBA)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)
# A FastCGI program that fails on purpose, served only to the HTTP tests.
$(BUILD)/tests/http/testapp: $(BUILD)/tests/http/testapp.o $(LIBA)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIBA)
	$(E) "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Every template must parse and use only known directives, in every language:
# `rekisteri check` on the sample config, with a throw-away database and keys
# (check refuses a missing database); the copy sits in conf/ so the sample's
# relative paths still resolve.
check-templates: $(CLI)
	@t=$$(mktemp -d) && c=conf/.check-templates.$$$$.conf && \
	sed -e "s|^path = .*|path = $$t/db/rekisteri.db|" -e "s|^dir = \.\./var/keys|dir = $$t/keys|" \
	    conf/rekisteri.conf.sample >$$c && mkdir -m 0700 $$t/db $$t/keys && \
	$(CLI) -c $$c init >/dev/null && $(CLI) -c $$c check; rc=$$?; rm -rf $$t $$c; exit $$rc

# `make test`: installs what is missing, builds, runs unit and shell tests,
# then HTTP tests behind Apache and behind nginx (SERVER=nginx or
# SERVER=apache: that one only); reports each test binary, ends with one line
# "N passed, N failed". SHUFFLE=1 runs the HTTP files (and the browser
# files) in a random order; TEST_TIMEOUT=S bounds each binary (300 s).
test: deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(HTTP_BIN) $(TESTAPP) $(BROWSER_STAMP)
	@BUILD=$(BUILD) SAN=$(SAN) SHUFFLE=$(SHUFFLE) SERVERS="$(TEST_SERVERS)" \
	    sh tests/run-all.sh $(UNIT_BIN) $(SH_TESTS) -- $(HTTP_BIN) $(BROWSER_RUN)

unit: $(UNIT_BIN)
	@BUILD=$(BUILD) sh tests/run-all.sh $(UNIT_BIN) --

http: all $(HTTP_BIN) $(TESTAPP)
	@BUILD=$(BUILD) SHUFFLE=$(SHUFFLE) sh tests/run-all.sh -- $(HTTP_BIN)

# `make test-http T=test_lists`: HTTP test files alone, each on fresh state
# (T="test_lists test_customers" runs those, in that order; no T: all).
# SERVER=nginx runs them behind nginx instead of Apache.
T ?= $(notdir $(HTTP_BIN))
TEST_HTTP_BIN := $(addprefix $(BUILD)/tests/http/,$(T))
test-http: all $(TEST_HTTP_BIN) $(TESTAPP)
	@BUILD=$(BUILD) SERVER=$(SERVER) SHUFFLE=$(SHUFFLE) sh tests/run-all.sh -- $(TEST_HTTP_BIN)

# `make test-faults`: the database missing, read-only, damaged, locked and
# full, each answered as docs/faults.md says; bounded (TEST_TIMEOUT, 300 s
# a file), behind the web server of the HTTP tests.
test-faults: all $(FAULT_BIN) $(TESTAPP)
	@BUILD=$(BUILD) SERVER=$(SERVER) sh tests/run-all.sh -- $(FAULT_BIN)

$(BROWSER_STAMP): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund

# `make browser`: only the end-to-end tests in headless Chromium (tests/browser/README.md).
browser: deps all $(TESTAPP) $(BROWSER_STAMP)
	@BUILD=$(BUILD) SERVER=$(SERVER) bash tests/http/harness.sh run_tests $(BROWSER_RUN)

run: deps-run
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) PORT=$(PORT) DEMO=$(DEMO) SERVER=$(SERVER) bash scripts/run.sh

# Instruction counts under callgrind (bench/README.md): `make bench` prints
# them beside bench/baseline.txt; `make bench-check` fails when one grew more
# than 5 % or a ratio passed its target (CI); `make bench-baseline` writes
# the baseline and the README's table from one run (commit them, saying why).
bench: deps all $(BENCH_BIN)
	@BUILD=$(BUILD) bash bench/run.sh print

bench-check: deps all $(BENCH_BIN)
	@BUILD=$(BUILD) bash bench/run.sh check

bench-baseline: deps all $(BENCH_BIN)
	@BUILD=$(BUILD) bash bench/run.sh baseline

# /notice through Apache beside a static file and a from-memory FastCGI
# program, with wrk (about 3.5 minutes; bench/README.md).
bench-notice: all $(BENCH_BIN)
	@BUILD=$(BUILD) bash bench/notice.sh

# The customer register at 1,000,000 customers: load time, size, search and
# record p50/p99 through Apache with wrk (about 5 min; N=20000 for a quick run).
bench-customers: all
	@BUILD=$(BUILD) bash bench/customers.sh

# The retention run with 100,000 due in each class it applies among
# 1,000,000 customers: dry run, apply, second run (#14; N, DUE, BATCH).
bench-retention: all
	@BUILD=$(BUILD) bash bench/retention.sh

# Signed tickets through Apache beside a plain insert of the same row
# (bench/README.md).
bench-tickets: all $(BUILD)/bench/tickets
	@BUILD=$(BUILD) SERVER=apache bash bench/tickets.sh
	@BUILD=$(BUILD) SERVER=nginx bash bench/tickets.sh

# Static analysis with checked-in configurations (.clang-tidy,
# .cppcheck-suppress): zero findings; and the systemd units verified offline
# (scripts/units-check.sh); every man page through mandoc -Tlint
# (scripts/man-lint.sh).
lint: cppcheck clang-tidy units-check man-lint

man-lint:
	@sh scripts/man-lint.sh

units-check: all
	@BUILD=$(BUILD) sh scripts/units-check.sh

clang-tidy:
	clang-tidy --quiet $(LIB_SRC) $(CGI_SRC) $(CGI_DIR_SRC) $(CLI_SRC) -- \
	    -std=c17 -D_DEFAULT_SOURCE -Ilib $(PKG_CFLAGS)

cppcheck:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --std=c11 --inline-suppr --suppressions-list=.cppcheck-suppress \
	    -Ilib lib cgi-bin tools

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
	    $(DESTDIR)$(DATADIR)/templates/static $(DESTDIR)$(DATADIR)/sql \
	    $(DESTDIR)$(DATADIR)/i18n $(DESTDIR)$(DATADIR)/conf/apache \
	    $(DESTDIR)$(DATADIR)/conf/nginx \
	    $(DESTDIR)$(DATADIR)/data/notice \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(CLI) $(DESTDIR)$(BINDIR)/rekisteri
	install -m 0755 $(CGI_BIN) $(DESTDIR)$(LIBEXECDIR)/
	install -m 0644 templates/*.xhtml $(DESTDIR)$(DATADIR)/templates/
	install -m 0644 templates/static/* $(DESTDIR)$(DATADIR)/templates/static/
	install -m 0644 sql/*.sql $(DESTDIR)$(DATADIR)/sql/
	install -m 0644 i18n/*.xml $(DESTDIR)$(DATADIR)/i18n/
	install -m 0644 data/notice/*.txt $(DESTDIR)$(DATADIR)/data/notice/
	install -m 0644 data/authority.xml data/common-passwords.txt \
	    $(DESTDIR)$(DATADIR)/data/
	install -m 0644 conf/rekisteri.conf.sample $(DESTDIR)$(DATADIR)/conf/
	install -m 0644 conf/apache/* $(DESTDIR)$(DATADIR)/conf/apache/
	install -m 0644 conf/nginx/* $(DESTDIR)$(DATADIR)/conf/nginx/
	install -m 0644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 man/*.8 $(DESTDIR)$(MANDIR)/man8/

# `make install-system`: `make install` and what a server adds (as root,
# docs/deployment.md): systemd units, the system user and its folders
# (sysusers.d, tmpfiles.d), the web servers' site files filled in under
# $(SYSCONFDIR)/rekisteri/, and the config with the system's paths unless
# there is one. The Debian package is built with it (debian/rules).
install-system: install
	@DESTDIR=$(DESTDIR) BINDIR=$(BINDIR) LIBEXECDIR=$(LIBEXECDIR) DATADIR=$(DATADIR) \
	    SYSCONFDIR=$(SYSCONFDIR) UNITDIR=$(UNITDIR) SYSUSERSDIR=$(SYSUSERSDIR) \
	    TMPFILESDIR=$(TMPFILESDIR) sh scripts/install-system.sh

# `make deb`: the Debian package (debian/, dpkg-buildpackage -us -uc -b) in
# $(BUILD)/deb/; `make package-check` also runs lintian and checks its files,
# modes, maintainer scripts and the user and folders it makes (about a
# minute; not part of `make test`). Needs `scripts/deps.sh package`.
deb:
	@sh scripts/deps.sh package
	@BUILD=$(BUILD) sh scripts/deb.sh

package-check:
	@sh scripts/deps.sh package
	@BUILD=$(BUILD) sh scripts/deb.sh check

# `make deploy-check`: README's "Deploy on Debian 12", every block, run on a
# fresh Debian 12 made with debootstrap in a throw-away root, behind nginx
# and Apache (tests/deploy/debian12.sh; root and Debian's mirror; 2–4 min).
deploy-check:
	@sh scripts/deps.sh package
	@BUILD=$(BUILD) bash tests/deploy/debian12.sh

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/rekisteri
	rm -rf $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(MANDIR)/man1/rekisteri.1 $(DESTDIR)$(MANDIR)/man5/rekisteri.conf.5 \
	    $(DESTDIR)$(MANDIR)/man8/rekisteri-fcgi.8

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(CGI_SRC:%.c=$(BUILD)/%.d) $(CGI_DIR_SRC:%.c=$(BUILD)/parts/%.d) $(CLI_OBJ:.o=.d) \
         $(UNIT_BIN:=.d) $(HTTP_BIN:=.d) $(BENCH_BIN:=.d) \
         $(TESTAPP:=.d) $(BUILD)/tests/http/http.d $(BUILD)/tests/http/http_run.d $(FAULT_BIN:=.d) $(BUILD)/tests/faults/faults.d

# ---- fuzz: libFuzzer harnesses (tests/fuzz/README.md) -----------------------
# `make fuzz` builds every tests/fuzz/fuzz_NAME.c with clang, lib/*.c built
# again into build-fuzz/ with the same sanitizers, replays tests/fuzz/regress/NAME/
# and fuzzes each harness for FUZZ_SECONDS from a copy of tests/fuzz/corpus/NAME/.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30
FUZZ_BUILD := build-fuzz
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c17 -D_DEFAULT_SOURCE -g -O1 $(FUZZ_SAN) -Ilib -Itests/fuzz \
              $(PKG_CFLAGS) -MMD -MP
FUZZ_WARN = -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wvla
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o) $(FUZZ_BUILD)/tests/fuzz/fuzz.o

.PHONY: fuzz fuzz-build
fuzz: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_BIN)

fuzz-build: $(FUZZ_BIN)

$(FUZZ_BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(E) "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(E) "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_WARN) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	$(E) "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(PKG_LIBS)

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/tests/fuzz/%.d)
# ---- end fuzz ----------------------------------------------------------------
