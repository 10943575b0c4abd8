# rawcraft - `make` builds ./rawcraft; `make test` runs what needs neither
# root nor the network; `make check` installs what it needs, builds, and
# runs every test; `make demo` shows it working.  `make V=1` shows the
# commands; CFLAGS, CPPFLAGS and LDFLAGS are honoured.

CC      ?= cc
CLANG   ?= clang
AR      ?= ar
BUILD   := build
LIBNET_DEFINES := $(shell libnet-config --defines 2>/dev/null)
PCAP_CFLAGS    := $(shell pkg-config --cflags libpcap 2>/dev/null)
PCAP_LIBS      := $(shell pkg-config --libs libpcap 2>/dev/null || echo -lpcap)
LIBNET_LIBS    := $(shell libnet-config --libs 2>/dev/null || echo -lnet)

# -Werror where the code is ours to fix (make check, CI), not on a
# packager's plain `make` with a newer compiler.
WERROR  ?=
WARN    := -std=gnu11 -Wall -Wextra $(WERROR)
# libnet-config asks for _BSD_SOURCE; _DEFAULT_SOURCE keeps glibc quiet about it.
DEFS    := -D_DEFAULT_SOURCE $(LIBNET_DEFINES) $(PCAP_CFLAGS)
CFLAGS  ?= -O2 -g
ALL_CFLAGS = $(WARN) $(DEFS) $(CPPFLAGS) $(CFLAGS) -MMD -MP
LIBS    := $(LIBNET_LIBS) $(PCAP_LIBS) -lm -pthread
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

ifeq ($(V),1)
Q :=
say = @:
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
Q := @
say = @:
else
Q := @
say = @printf '  %-7s %s\n' '$(1)' '$(2)';
endif

LIB_SRC := $(wildcard craft/*/*.c)
LIB_HDR := $(wildcard craft/*/*.h)
CMD_SRC := $(wildcard cmd/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/rel/%.o)
CMD_OBJ := $(CMD_SRC:%.c=$(BUILD)/rel/%.o)
ASAN_LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/asan/%.o)
ASAN_CMD_OBJ := $(CMD_SRC:%.c=$(BUILD)/asan/%.o)
LIBCRAFT := $(BUILD)/libcraft.a
ASAN_LIBCRAFT := $(BUILD)/asan/libcraft.a
# Headers a module keeps to itself are not the library's.
PRIVATE_HDR := craft/engine/internal.h craft/engine/pump.h craft/engine/neighbor.h \
	       craft/engine/ghost.h craft/engine/speaker.h craft/util/ouicsv.h craft/lang/steparg.h \
	       craft/engine/peerrun.h
PUB_HDR := $(patsubst craft/%,$(BUILD)/include/craft/%,$(filter-out $(PRIVATE_HDR),$(LIB_HDR)))

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/asan/unit/%)
# Programs the suites run to see what the library reads from a real kernel.
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%) \
	    $(TOOL_SRC:tests/tools/%.c=$(BUILD)/asan/tools/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/fuzz/%.o)
EXAMPLE_SRC := $(wildcard examples/*.c)
EXAMPLE_BIN := $(EXAMPLE_SRC:examples/%.c=$(BUILD)/examples/%)

PREFIX  ?= /usr/local
BINDIR  := $(DESTDIR)$(PREFIX)/bin
SHARE   := $(DESTDIR)$(PREFIX)/share

.PHONY: all lib examples asan unit fuzz deps test check demo clean install uninstall setcap FORCE
.SECONDARY:
all: rawcraft

# Objects follow the flags they were built with, as git's GIT-CFLAGS does:
# `make check` after a plain `make` rebuilds with -Werror.
$(BUILD)/flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(LIBS)' | cmp -s - $@ || \
		echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(LIBS)' >$@

rawcraft: $(CMD_OBJ) $(LIBCRAFT)
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/rel/%.o: %.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# libcraft.a and its public headers, all under <craft/...>.
lib: $(LIBCRAFT) $(PUB_HDR)
$(LIBCRAFT): $(LIB_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^
$(BUILD)/include/craft/%.h: craft/%.h
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

# C programs that use the library through its public headers only.
examples: $(EXAMPLE_BIN)
$(BUILD)/examples/%: examples/%.c $(LIBCRAFT) $(PUB_HDR) $(BUILD)/flags
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -I$(BUILD)/include $(LDFLAGS) -o $@ $< \
		$(LIBCRAFT) $(LIBS)

# The same program under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: $(BUILD)/asan/rawcraft unit
unit: $(UNIT_BIN) $(TOOL_BIN)
$(BUILD)/asan/rawcraft: $(ASAN_CMD_OBJ) $(ASAN_LIBCRAFT)
	$(call say,LINK,$@)
	$(Q)$(CC) $(SAN) -g $(LDFLAGS) -o $@ $^ $(LIBS)
$(ASAN_LIBCRAFT): $(ASAN_LIB_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^
$(BUILD)/asan/%.o: %.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	$(call say,CC,$< [asan])
	$(Q)$(CC) $(ALL_CFLAGS) -O1 $(SAN) -c -o $@ $<
$(BUILD)/asan/unit/%: tests/unit/%.c $(ASAN_LIBCRAFT)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -O1 $(SAN) $(LDFLAGS) -o $@ $< $(ASAN_LIBCRAFT) $(LIBS) -lcmocka

$(BUILD)/tools/%: tests/tools/%.c $(LIBCRAFT)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBCRAFT) $(LIBS)
$(BUILD)/asan/tools/%: tests/tools/%.c $(ASAN_LIBCRAFT)
	@mkdir -p $(dir $@)
	$(call say,CC,$< [asan])
	$(Q)$(CC) $(ALL_CFLAGS) -O1 $(SAN) $(LDFLAGS) -o $@ $< $(ASAN_LIBCRAFT) $(LIBS)

# libFuzzer targets need clang.
fuzz: $(FUZZ_BIN)
$(BUILD)/fuzz/%.o: %.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	$(call say,CC,$< [fuzz])
	$(Q)$(CLANG) $(WARN) $(DEFS) $(CPPFLAGS) -MMD -MP -g -O1 -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)
	$(Q)$(CLANG) $(WARN) $(DEFS) $(CPPFLAGS) -MMD -MP -g -O1 -fsanitize=fuzzer,address,undefined $(LDFLAGS) -o $@ $< $(FUZZ_LIB_OBJ) $(LIBS)

deps:
	@tests/deps.sh

# Everything that needs neither root nor the network, as any user.
# The suites' own `make install` builds with the same flags.
# Builds use every core (make -j N overrides it).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

test:
	@$(MAKE) --no-print-directory -j$(JOBS) WERROR=-Werror all asan fuzz examples
	@WERROR=-Werror tests/run.sh --offline

check: deps
	@$(MAKE) --no-print-directory -j$(JOBS) WERROR=-Werror all asan fuzz examples
	@WERROR=-Werror tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@tests/demo.sh

# `make install PREFIX=/usr/local`: the binary, the shipped templates and
# examples (found by bare name from PREFIX/bin/../share), man pages and
# bash completion.
install: rawcraft
	install -D -m 0755 rawcraft $(BINDIR)/rawcraft
	install -d $(SHARE)/rawcraft/templates $(SHARE)/rawcraft/examples
	install -m 0644 templates/*.pkt $(SHARE)/rawcraft/templates/
	install -m 0644 examples/*.lab $(SHARE)/rawcraft/examples/
	install -D -m 0644 docs/rawcraft.1 $(SHARE)/man/man1/rawcraft.1
	install -D -m 0644 docs/rawcraft-templates.5 $(SHARE)/man/man5/rawcraft-templates.5
	install -D -m 0644 completion/rawcraft.bash $(SHARE)/bash-completion/completions/rawcraft

uninstall:
	rm -f $(BINDIR)/rawcraft $(SHARE)/man/man1/rawcraft.1 \
		$(SHARE)/man/man5/rawcraft-templates.5 $(SHARE)/bash-completion/completions/rawcraft
	rm -rf $(SHARE)/rawcraft

# Raw sockets and captures without root, for every user who may run it.
setcap:
	setcap cap_net_raw,cap_net_admin+ep $(BINDIR)/rawcraft

clean:
	rm -rf $(BUILD) rawcraft

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
