# shortener: plain GNU make. Knobs: WORKERS, PORT, SANITIZE, WERROR, OPT.
#   make run                 install what is missing, build, run the whole stack on :$(PORT)
#   make run-instance PORT=  a second web server + worker pool on the running stack's data
#   make check               install what is missing, build, run every test
#   make SANITIZE=address,undefined check
#   make install [PREFIX=/usr/local] [DESTDIR=]   release build (build-release/), stripped
#                            binaries, sql/, sample configs, systemd units
#   make uninstall [PREFIX=/usr/local] [DESTDIR=]
#   make geoip               optional: a free (CC0) country database for the statistics, via npm

CXX      ?= g++
OPT      ?= -O2 -g
WORKERS  ?= 8
PORT     ?= 8000
WERROR   ?= 1
# check and run build in a sub-make with one job per core (a full build is a few dozen
# translation units, slow one at a time), unless make was given its own -j: that one decides.
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
SUBMAKE   = $(MAKE) --no-print-directory $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(JOBS))

WARN     := -Wall -Wextra -Wshadow -Wformat=2 -Werror=format-security
ifeq ($(WERROR),1)
WARN     += -Werror
endif
ifdef SANITIZE
OPT      := -O1 -g -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZE)
endif

PKGS     := libmemcached liburiparser libsodium libargon2 libmaxminddb libidn2 libqrencode libpng
CXXFLAGS += -std=c++17 $(OPT) $(WARN) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CPPFLAGS += -Isrc -MMD -MP -DBOOST_TEST_DYN_LINK
LDLIBS   += -lfcgi -lmysqlcppconn $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# Sanitized objects live apart so switching SANITIZE never mixes instrumented and plain code.
BUILD    := build$(if $(SANITIZE),-san)
RELEASE_BUILD := build-release
# src/ is layered (LAYERS, lowest first; `make layers` checks that no include points up).
# Every src/<layer>/*.cc but the two program entry points goes into the shared library archive.
LAYERS   := base http domain store api cmd
LIB_SRC  := $(filter-out src/cmd/main.cc src/cmd/admin.cc,$(wildcard $(LAYERS:%=src/%/*.cc)))
LIB_OBJ  := $(LIB_SRC:src/%.cc=$(BUILD)/src/%.o)
UNIT_SRC := $(wildcard tests/unit/*.cc)
UNIT_OBJ := $(UNIT_SRC:tests/unit/%.cc=$(BUILD)/tests/unit/%.o)

.PHONY: all deps run run-cluster run-instance check test unit integration format format-check layers clean fuzz bench geoip \
        install uninstall

all: $(BUILD)/shortener $(BUILD)/shortener-admin

deps:
	@scripts/install-deps.sh

$(BUILD)/src/%.o: src/%.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

$(BUILD)/tests/unit/%.o: tests/unit/%.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

$(BUILD)/libshortener.a: $(LIB_OBJ)
	ar rcs $@ $^

# The programs' default config file and migrations directory: none and ./sql in a development
# build; the installed ones (paths below) in the release build that `make install` puts down.
# $(BUILD)/program-paths changes only when they do, so a new PREFIX recompiles just these two.
ifeq ($(BUILD),$(RELEASE_BUILD))
PROGRAM_PATHS = -DSHORTENER_SQL_DIR='"$(SHAREDIR)/sql"' -DSHORTENER_DEFAULT_CONFIG='"$(CONFDIR)/shortener.conf"'
$(BUILD)/src/cmd/main.o $(BUILD)/src/cmd/admin.o: CPPFLAGS += $(PROGRAM_PATHS)
$(BUILD)/src/cmd/main.o $(BUILD)/src/cmd/admin.o: $(BUILD)/program-paths
.PHONY: FORCE
$(BUILD)/program-paths: FORCE
	@mkdir -p $(@D)
	@echo '$(PROGRAM_PATHS)' | cmp -s - $@ || echo '$(PROGRAM_PATHS)' >$@
endif

$(BUILD)/shortener: $(BUILD)/src/cmd/main.o $(BUILD)/libshortener.a
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/shortener-admin: $(BUILD)/src/cmd/admin.o $(BUILD)/libshortener.a
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The unit tests of store/geoip.h read a tiny country database made here, beside the binary.
$(BUILD)/unit_tests: $(UNIT_OBJ) $(BUILD)/libshortener.a $(BUILD)/tests/geoip-test.mmdb
	$(CXX) $(LDFLAGS) -o $@ $(filter-out %.mmdb,$^) $(LDLIBS) -lboost_unit_test_framework

$(BUILD)/tests/geoip-test.mmdb: tests/geoip/write_test_mmdb.pl
	@mkdir -p $(@D)
	perl $< $@

# deps runs alone first (a sub-make builds after it): with parallel jobs, compiling beside the
# package install would fail on a fresh machine, and pkg-config must see the installed libraries.
# exec: the shell gives way to run.sh, so the SIGTERM make passes on reaches run.sh, and make
# returns only after run.sh has stopped the whole stack.
# The country database `make geoip` installs, used by `make run` when it is there.
GEOIP_DB := $(CURDIR)/var/geoip/country.mmdb
RUN_GEOIP = $(if $(wildcard $(GEOIP_DB)),SHORTENER_GEOIP_DATABASE=$(GEOIP_DB))

run: deps
	@$(SUBMAKE) all
	@STACK_WORKER_BIN=$(CURDIR)/$(BUILD)/shortener STACK_ADMIN_BIN=$(CURDIR)/$(BUILD)/shortener-admin \
	  $(RUN_GEOIP) WORKERS=$(WORKERS) PORT=$(PORT) exec scripts/run.sh

# Three Galera nodes, two memcached, two instances (PORT, PORT+1) in var/cluster; Ctrl-C stops all.
run-cluster: deps
	@$(SUBMAKE) all
	@STACK_WORKER_BIN=$(CURDIR)/$(BUILD)/shortener STACK_ADMIN_BIN=$(CURDIR)/$(BUILD)/shortener-admin \
	  WORKERS=$(WORKERS) PORT=$(PORT) exec scripts/run.sh cluster

run-instance: all
	@STACK_WORKER_BIN=$(CURDIR)/$(BUILD)/shortener STACK_ADMIN_BIN=$(CURDIR)/$(BUILD)/shortener-admin \
	  $(RUN_GEOIP) WORKERS=$(WORKERS) PORT=$(PORT) exec scripts/run.sh instance

# Optional: a free (CC0) country database for the statistics, through npm (scripts/fetch-geoip.sh).
geoip:
	@GEOIP_DEST=$(GEOIP_DB) scripts/fetch-geoip.sh

# The full gate: every suite (about 15 minutes here; twice that with SANITIZE).
check: deps
	@$(SUBMAKE) all $(BUILD)/unit_tests $(BUILD)/fcgi_302
	@BUILD_DIR=$(BUILD) /usr/bin/python3 tests/run_suites.py

# The edit-compile-test loop: format, layers, unit tests and the integration suite behind
# lighttpd, minus its slowest modules (the other fronts, the fault, supervisor and Galera tests).
# A few minutes; `make check` stays the gate.
FAST_SKIP := test_fronts. test_resilience. test_supervisor. test_cluster.
test: deps
	@$(SUBMAKE) all $(BUILD)/unit_tests
	@BUILD_DIR=$(BUILD) SUITES="format layers unit integration" \
	  INTEGRATION_ARGS="$(FAST_SKIP:%=--skip %)" /usr/bin/python3 tests/run_suites.py

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

# No file under src/ includes a header of a higher layer (see LAYERS).
layers:
	@LAYERS="$(LAYERS)" scripts/check-layers.sh src

format:
	clang-format -i src/*/*.cc src/*/*.h tests/unit/*.cc tests/unit/*.h tests/fuzz/*.cc tests/fuzz/*.h tests/bench/*.cc

format-check:
	clang-format --dry-run -Werror src/*/*.cc src/*/*.h tests/unit/*.cc tests/unit/*.h tests/fuzz/*.cc tests/fuzz/*.h tests/bench/*.cc

clean:
	rm -rf build build-san $(BENCH_BUILD) $(RELEASE_BUILD)

# ---- bench: release build in build-bench/, measured on a private stack (tests/bench/bench.py) ----
#   make bench                          about five minutes; table on stdout and bench/results/latest.md
#   make bench BENCH_ARGS="--duration 5 --connections 128"
#   make bench CLUSTER=1                adds hot, miss and creation rows on a three-node Galera
#                                       cluster (tests/bench/bench.py --cluster; about 3 min more)
# The release objects live apart from build/, so a bench never mixes with the debug build.
BENCH_BUILD := build-bench
BENCH_OPT   := -O2 -DNDEBUG
BENCH_ARGS  ?=
CLUSTER     ?=

$(BUILD)/fcgi_302: tests/bench/fcgi_302.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) $(LDFLAGS) -o $@ $< -lfcgi

bench: deps
	@$(SUBMAKE) BUILD=$(BENCH_BUILD) OPT="$(BENCH_OPT)" all $(BENCH_BUILD)/fcgi_302
	@python3 tests/bench/bench.py --build-dir $(BENCH_BUILD) --workers $(WORKERS) \
	  $(if $(filter 1 yes true,$(CLUSTER)),--cluster) $(BENCH_ARGS)

# ---- release: the build `make install` installs, apart in build-release/ ---------------------
# Optimised without debug info (the installed binaries are also stripped; there is no separate
# debug package) and hardened: _FORTIFY_SOURCE checks, stack protector, stack clash protection,
# a position-independent executable and full RELRO (relocations resolved at start, then
# read-only). tests/deploy/check_deploy.py checks the installed binaries with readelf.
RELEASE_OPT     := -O2 -DNDEBUG -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
                   -fstack-clash-protection -fPIE
RELEASE_LDFLAGS := -pie -Wl,-z,relro,-z,now

.PHONY: release
release:
	@$(SUBMAKE) BUILD=$(RELEASE_BUILD) OPT="$(RELEASE_OPT)" LDFLAGS="$(RELEASE_LDFLAGS)" SANITIZE= all

# ---- install: what a server needs, under PREFIX (staged under DESTDIR for packaging) -------------
# The configuration goes to $(sysconfdir)/shortener/ only where none is there yet (an operator's
# edited file is never overwritten); uninstall removes it only while it is still the shipped one.
# Every unit in systemd/ is installed, its paths rewritten to these directories.
PREFIX         ?= /usr/local
bindir         ?= $(PREFIX)/bin
datadir        ?= $(PREFIX)/share
sysconfdir     ?= /etc
systemdunitdir ?= $(PREFIX)/lib/systemd/system
SHAREDIR       := $(datadir)/shortener
CONFDIR        := $(sysconfdir)/shortener
UNITS          := $(wildcard systemd/*.service systemd/*.socket systemd/*.timer)
WEB_CONFS      := conf/lighttpd.conf conf/apache.conf conf/nginx.conf conf/nginx-web-headers.conf \
                  conf/nftables-connlimit.nft
# The web interface (web/, served by the web server itself) and Debian's Chart.js beside it.
CHART_JS       := /usr/share/javascript/chart.js/chart.min.js
INSTALLED_CONF := shortener.conf:0644 secrets.env:0600
# The shipped files name the default locations; these rewrite them to the chosen ones.
INSTALL_PATHS  := -e 's|/usr/local/bin/|$(bindir)/|g' -e 's|/usr/local/share/shortener|$(SHAREDIR)|g' \
                  -e 's|/etc/shortener/|$(CONFDIR)/|g'

install: release
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(SHAREDIR)/sql $(DESTDIR)$(SHAREDIR)/errors \
	  $(DESTDIR)$(SHAREDIR)/conf $(DESTDIR)$(CONFDIR) $(DESTDIR)$(systemdunitdir)
	install -s -m 0755 $(RELEASE_BUILD)/shortener $(RELEASE_BUILD)/shortener-admin $(DESTDIR)$(bindir)/
	install -m 0644 sql/*.sql $(DESTDIR)$(SHAREDIR)/sql/
	install -m 0644 conf/lighttpd-errors/status-*.html conf/lighttpd-errors/*.lua $(DESTDIR)$(SHAREDIR)/errors/
	rm -rf $(DESTDIR)$(SHAREDIR)/web && install -d $(DESTDIR)$(SHAREDIR)/web/ui/v1/vendor
	cp -R web/. $(DESTDIR)$(SHAREDIR)/web/ && chmod -R u=rwX,go=rX $(DESTDIR)$(SHAREDIR)/web
	install -m 0644 $(CHART_JS) $(DESTDIR)$(SHAREDIR)/web/ui/v1/vendor/chart.min.js
	@set -e; for f in $(WEB_CONFS) $(UNITS); do \
	  case $$f in systemd/*) dir=$(DESTDIR)$(systemdunitdir) ;; *) dir=$(DESTDIR)$(SHAREDIR)/conf ;; esac; \
	  sed $(INSTALL_PATHS) $$f >$$dir/$${f##*/}.tmp && chmod 0644 $$dir/$${f##*/}.tmp && \
	  mv -f $$dir/$${f##*/}.tmp $$dir/$${f##*/}; echo "installed $$dir/$${f##*/}"; \
	done
	@set -e; for entry in $(INSTALLED_CONF); do \
	  name=$${entry%%:*}; mode=$${entry##*:}; dest=$(DESTDIR)$(CONFDIR)/$$name; \
	  if [ -e $$dest ]; then echo "kept existing $$dest"; \
	  else (umask 077; sed $(INSTALL_PATHS) conf/$$name >$$dest.tmp) && chmod $$mode $$dest.tmp && \
	    mv -f $$dest.tmp $$dest && echo "installed $$dest"; fi; \
	done

uninstall:
	rm -f $(DESTDIR)$(bindir)/shortener $(DESTDIR)$(bindir)/shortener-admin
	rm -rf $(DESTDIR)$(SHAREDIR)
	rm -f $(addprefix $(DESTDIR)$(systemdunitdir)/,$(notdir $(UNITS)))
	@for entry in $(INSTALLED_CONF); do \
	  name=$${entry%%:*}; dest=$(DESTDIR)$(CONFDIR)/$$name; \
	  if [ -e $$dest ] && ! sed $(INSTALL_PATHS) conf/$$name | cmp -s - $$dest; then echo "kept edited $$dest"; \
	  else rm -f $$dest; fi; \
	done
	-@rmdir $(DESTDIR)$(CONFDIR) 2>/dev/null || true

# ---- fuzz: libFuzzer targets (tests/fuzz/*_fuzz.cc), apart from everything above ----------------
#   make fuzz                       build every target, run each FUZZ_SECONDS on a copy of its corpus
#   make fuzz FUZZ_TARGETS=slug_fuzz FUZZ_SECONDS=600
# Always clang++ with ASan + UBSan; the sources get libFuzzer's coverage instrumentation too, so
# the fuzzer steers by their branches. Crashes land in build-fuzz/run/<target>/; an input that
# once crashed is kept under tests/fuzz/regressions/<target>/ and replayed by every run.
FUZZ_SECONDS  ?= 30
FUZZ_CXX      := clang++
FUZZ_BUILD    := build-fuzz
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CXXFLAGS := -std=c++17 -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) $(WARN) \
                 $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_CPPFLAGS := -Isrc -MMD -MP
FUZZ_SRC      := $(wildcard tests/fuzz/*_fuzz.cc)
FUZZ_ALL      := $(FUZZ_SRC:tests/fuzz/%.cc=%)
FUZZ_TARGETS  ?= $(FUZZ_ALL)
FUZZ_LIB_OBJ  := $(LIB_SRC:src/%.cc=$(FUZZ_BUILD)/src/%.o)

$(FUZZ_BUILD)/src/%.o: src/%.cc
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_CPPFLAGS) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/tests/fuzz/%.o: tests/fuzz/%.cc
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_CPPFLAGS) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# Kept, or make would delete them as intermediates and recompile every target next time.
.SECONDARY: $(FUZZ_SRC:tests/fuzz/%.cc=$(FUZZ_BUILD)/tests/fuzz/%.o)

$(FUZZ_BUILD)/libshortener.a: $(FUZZ_LIB_OBJ)
	ar rcs $@ $^

$(FUZZ_BUILD)/%_fuzz: $(FUZZ_BUILD)/tests/fuzz/%_fuzz.o $(FUZZ_BUILD)/libshortener.a
	$(FUZZ_CXX) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(LDLIBS)

# Targets run one after another (each is one process on one core) and all run even after one
# fails; the run corpus is a fresh copy, so what the fuzzer learns never grows tests/fuzz/corpus/.
# One line "fuzz <target>: passed|failed" per target, which tests/run_suites.py counts.
fuzz: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)
	@failed=0; \
	for t in $(FUZZ_TARGETS); do \
	  run=$(FUZZ_BUILD)/run/$$t; \
	  rm -rf $$run && mkdir -p $$run/corpus $$run/crashes; \
	  cp tests/fuzz/corpus/$$t/* $$run/corpus/ 2>/dev/null; \
	  if [ -d tests/fuzz/regressions/$$t ]; then cp tests/fuzz/regressions/$$t/* $$run/corpus/; fi; \
	  if $(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
	       -artifact_prefix=$$run/crashes/ $$run/corpus >$$run/log 2>&1; then \
	    echo "fuzz $$t: passed ($(FUZZ_SECONDS)s, $$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' $$run/log | grep -o '[0-9]*$$') runs)"; \
	  else \
	    failed=1; \
	    grep -E 'property broken|==ERROR|runtime error|SUMMARY|Test unit written' $$run/log | head -n 8; \
	    echo "fuzz $$t: failed (log $$run/log, input in $$run/crashes/)"; \
	  fi; \
	done; \
	exit $$failed

clean: fuzz-clean
.PHONY: fuzz-clean
fuzz-clean:
	rm -rf $(FUZZ_BUILD)

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_SRC:tests/fuzz/%.cc=$(FUZZ_BUILD)/tests/fuzz/%.d)

-include $(LIB_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(BUILD)/src/cmd/main.d $(BUILD)/src/cmd/admin.d $(BUILD)/fcgi_302.d
