# syscontainer-hooks: the OCI hook and its companion CLI.
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DATADIR  ?= $(PREFIX)/share/syscontainer-hooks
COMPDIR  ?= $(PREFIX)/share/bash-completion/completions
SYSCONFDIR ?= /etc
DESTDIR  ?=
VERSION  := 0.1.0

CC       ?= cc
PKGS     := libcjson libmnl libudev libselinux libkmod yaml-0.1
# pkg-config runs when a recipe first needs the flags, not when the Makefile
# is read, so that "make deps demo" installs the -dev packages before the
# build asks for them; the answer is then kept for the rest of the run.
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell pkg-config --cflags $$(PKGS)))$(PKG_CFLAGS)
# libkmod, libselinux, libudev and libsystemd are loaded with dlopen when needed
# (lib/dynlib.h)
PKG_LIBS   = $(eval PKG_LIBS := $$(shell pkg-config --libs libcjson libmnl yaml-0.1) -ldl)$(PKG_LIBS)
CFLAGS   ?= -O2
# project flags stay even when CFLAGS is given on the command line
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2 \
            -fstack-protector-strong -D_GNU_SOURCE -DVERSION=\"$(VERSION)\" \
            -Ilib $(PKG_CFLAGS)
override LDLIBS += $(PKG_LIBS)

BUILD    ?= build
LIB_SRC  := $(wildcard lib/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
HOOK_SRC := $(wildcard hooks/syscontainer-hooks/*.c)
HOOK_OBJ := $(HOOK_SRC:%.c=$(BUILD)/%.o)
TOOL_SRC := $(wildcard tools/syscontainer-tools/*.c)
TOOL_OBJ := $(TOOL_SRC:%.c=$(BUILD)/%.o)
RT_SRC   := $(wildcard tools/syscontainer-runtime/*.c)
RT_OBJ   := $(RT_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

HOOK     := $(BUILD)/syscontainer-hooks
TOOL     := $(BUILD)/syscontainer-tools
WRAPPER  := $(BUILD)/syscontainer-runtime

.PHONY: all check unit e2e install asan clean demo deps fuzz

# Debian packages needed to build and to run the tests (run as root).
DEPS := build-essential pkg-config libcjson-dev libmnl-dev libudev-dev \
        libselinux1-dev libcmocka-dev runc crun busybox-static jq iproute2 \
        util-linux fdisk podman libkmod-dev bash-completion man-db clang \
        libclang-rt-14-dev
DEPS += bpftool  # the cgroup v2 tests count the device programs attached to a cgroup
DEPS += udev  # a real systemd-udevd for tests/e2e/test_udevd.sh
DEPS += lxc  # the lcr tests: real lxc-start containers (lxc.hook.start-host)
DEPS += debootstrap  # tests/fresh-root builds a fresh Debian 12 root
DEPS += docker.io  # tests/e2e/test_docker.sh runs its own dockerd with syscontainer-runtime
DEPS += containerd  # tests/e2e/test_containerd.sh runs its own containerd (ctr run --runc-binary)
DEPS += python3-yaml  # tests/e2e/test_install.sh parses the Kubernetes YAML files
DEPS += openvswitch-switch  # tests/e2e/test_ovs.sh runs its own ovsdb-server and ovs-vswitchd
DEPS += libsystemd-dev  # sd-bus header: the DeviceAllow= of systemd units (lib/systemd_bus.c)
DEPS += libyaml-dev  # CDI spec files written in YAML (lib/cdi_yaml.c)
# programs of the end-to-end tests, built with the rest: a test script run
# straight after "make" finds them
E2E_HELPERS := $(BUILD)/tests/devctl $(BUILD)/tests/lcr-hook-runner
all: $(HOOK) $(TOOL) $(WRAPPER) $(E2E_HELPERS)

$(BUILD)/%.o: %.c $(wildcard lib/*.h hooks/syscontainer-hooks/*.h tools/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# made anew: "ar r" would keep the objects of files that were removed
$(BUILD)/libsch.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(HOOK): $(HOOK_OBJ) $(BUILD)/libsch.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(TOOL): $(TOOL_OBJ) $(BUILD)/libsch.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# syscontainer-runtime runs in front of every container start: linked
# with libc alone and statically, it costs no dynamic loading (about half
# of what a dynamically linked wrapper adds to a create, bench/README.md).
# No -lcjson here: an object of the wrapper that needs cJSON fails the link.
# Sanitizers do not link statically: the asan build leaves it dynamic.
WRAPPER_STATIC ?= -static
$(WRAPPER): $(RT_OBJ) $(BUILD)/libsch.a
	$(CC) $(CFLAGS) $(LDFLAGS) $(WRAPPER_STATIC) -Wl,--as-needed -o $@ $^

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(BUILD)/libsch.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-unused-parameter $(shell pkg-config --cflags cmocka) -o $@ $< \
		$(BUILD)/libsch.a $(LDLIBS) $(shell pkg-config --libs cmocka)

# LDFLAGS too: devctl also runs inside the systemd test's root, where only
# a statically linked sanitizer runtime is found (make asan)
$(BUILD)/tests/devctl: tests/e2e/devctl.c $(BUILD)/libsch.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libsch.a $(LDLIBS)

$(BUILD)/tests/lcr-hook-runner: tests/e2e/lcr_hook_runner.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

# libFuzzer targets (clang), with AddressSanitizer and UBSan.
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_SECONDS ?= 15
$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(wildcard lib/*.h)
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 -Wall -Werror -D_GNU_SOURCE -DVERSION=\"$(VERSION)\" -Ilib $(PKG_CFLAGS) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $< $(LIB_SRC) \
		$(PKG_LIBS)

fuzz: $(FUZZ_BIN)
	tests/fuzz/run $(BUILD) $(FUZZ_SECONDS)

# Unit tests, then the end-to-end tests on real runc/crun containers (root).
check: all $(UNIT_BIN) $(FUZZ_BIN)
	tests/run-all $(BUILD)

unit: $(UNIT_BIN)
	tests/run-all --unit-only $(BUILD)

e2e: all
	tests/run-all --e2e-only $(BUILD)

demo: all
	example/demo.sh $(BUILD)

# "make -jN deps demo": the packages are installed before anything is built
ifneq ($(filter deps,$(MAKECMDGOALS)),)
.NOTPARALLEL:
endif
deps:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEPS)

# The sanitizer runtimes are linked in statically: the programs also run
# inside other roots (the systemd test's Debian root) that have no libasan.
asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined -static-libasan -static-libubsan" WRAPPER_STATIC= check

# the same script the Kubernetes DaemonSet runs (example/kubernetes)
install: all
	BINDIR='$(BINDIR)' MANDIR='$(MANDIR)' DATADIR='$(DATADIR)' COMPDIR='$(COMPDIR)' \
		sh example/kubernetes/install.sh --build '$(BUILD)' --root '$(DESTDIR)' \
		--prefix '$(PREFIX)' --sysconfdir '$(SYSCONFDIR)'

clean:
	rm -rf build build-asan
