# shortener: plain GNU make. Knobs: WORKERS, PORT, SANITIZE, WERROR, OPT.
#   make run                 install what is missing, build, run the whole stack on :$(PORT)
#   make run-instance PORT=  a second web server + worker pool on the running stack's data
#   make check               install what is missing, build, run every test
#   make SANITIZE=address,undefined check

CXX      ?= g++
OPT      ?= -O2 -g
WORKERS  ?= 4
PORT     ?= 8000
WERROR   ?= 1
# Parallel by default: a full build is a few dozen translation units, slow one at a time.
MAKEFLAGS += --jobs=$(shell nproc 2>/dev/null || echo 2)

WARN     := -Wall -Wextra -Wshadow -Wformat=2 -Werror=format-security
ifeq ($(WERROR),1)
WARN     += -Werror
endif
ifdef SANITIZE
OPT      := -O1 -g -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZE)
endif

PKGS     := libmemcached liburiparser libsodium libargon2
CXXFLAGS += -std=c++17 $(OPT) $(WARN) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CPPFLAGS += -Isrc -MMD -MP -DBOOST_TEST_DYN_LINK
LDLIBS   += -lfcgi -lmysqlcppconn $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# Sanitized objects live apart so switching SANITIZE never mixes instrumented and plain code.
BUILD    := build$(if $(SANITIZE),-san)
# Every src/*.cc but the two program entry points goes into the shared library archive.
LIB_SRC  := $(filter-out src/main.cc src/admin.cc,$(wildcard src/*.cc))
LIB_OBJ  := $(LIB_SRC:src/%.cc=$(BUILD)/src/%.o)
UNIT_SRC := $(wildcard tests/unit/*.cc)
UNIT_OBJ := $(UNIT_SRC:tests/unit/%.cc=$(BUILD)/tests/unit/%.o)

.PHONY: all deps run run-instance check unit integration format format-check clean

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

$(BUILD)/shortener: $(BUILD)/src/main.o $(BUILD)/libshortener.a
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/shortener-admin: $(BUILD)/src/admin.o $(BUILD)/libshortener.a
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit_tests: $(UNIT_OBJ) $(BUILD)/libshortener.a
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lboost_unit_test_framework

run: deps all
	@STACK_WORKER_BIN=$(CURDIR)/$(BUILD)/shortener STACK_ADMIN_BIN=$(CURDIR)/$(BUILD)/shortener-admin \
	  WORKERS=$(WORKERS) PORT=$(PORT) scripts/run.sh

run-instance: all
	@STACK_WORKER_BIN=$(CURDIR)/$(BUILD)/shortener STACK_ADMIN_BIN=$(CURDIR)/$(BUILD)/shortener-admin \
	  WORKERS=$(WORKERS) PORT=$(PORT) scripts/run-instance.sh

check: deps all $(BUILD)/unit_tests
	@BUILD_DIR=$(BUILD) scripts/run-tests.sh

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

format:
	clang-format -i src/*.cc src/*.h tests/unit/*.cc

format-check:
	clang-format --dry-run -Werror src/*.cc src/*.h tests/unit/*.cc

clean:
	rm -rf build build-san

-include $(LIB_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(BUILD)/src/main.d $(BUILD)/src/admin.d
