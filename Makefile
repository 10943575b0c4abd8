# rawcraft - `make` builds ./rawcraft; `make check` installs what it needs,
# builds, and runs every test; `make demo` shows it working.

CC      ?= cc
CLANG   ?= clang
BUILD   := build
LIBNET_DEFINES := $(shell libnet-config --defines 2>/dev/null)
PCAP_CFLAGS    := $(shell pkg-config --cflags libpcap 2>/dev/null)
PCAP_LIBS      := $(shell pkg-config --libs libpcap 2>/dev/null || echo -lpcap)
LIBNET_LIBS    := $(shell libnet-config --libs 2>/dev/null || echo -lnet)

WARN    := -std=gnu11 -Wall -Wextra -Werror
# libnet-config asks for _BSD_SOURCE; _DEFAULT_SOURCE keeps glibc quiet about it.
DEFS    := -D_DEFAULT_SOURCE $(LIBNET_DEFINES) $(PCAP_CFLAGS)
CFLAGS  ?= -O2 -g
ALL_CFLAGS = $(WARN) $(DEFS) $(CFLAGS) -MMD -MP
LIBS    := $(LIBNET_LIBS) $(PCAP_LIBS) -lm -pthread
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC := $(wildcard craft/*.c)
CMD_SRC := $(wildcard cmd/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/rel/%.o)
CMD_OBJ := $(CMD_SRC:%.c=$(BUILD)/rel/%.o)
ASAN_LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/asan/%.o)
ASAN_CMD_OBJ := $(CMD_SRC:%.c=$(BUILD)/asan/%.o)

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/asan/unit/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/fuzz/%.o)

PREFIX  ?= /usr/local
BINDIR  := $(DESTDIR)$(PREFIX)/bin
SHARE   := $(DESTDIR)$(PREFIX)/share

.PHONY: all asan unit fuzz deps check demo clean install uninstall setcap
.SECONDARY:
all: rawcraft

rawcraft: $(LIB_OBJ) $(CMD_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The same program under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: $(BUILD)/asan/rawcraft $(UNIT_BIN)
$(BUILD)/asan/rawcraft: $(ASAN_LIB_OBJ) $(ASAN_CMD_OBJ)
	$(CC) $(SAN) -g -o $@ $^ $(LIBS)
$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -c -o $@ $<
$(BUILD)/asan/unit/%: tests/unit/%.c $(ASAN_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -o $@ $< $(ASAN_LIB_OBJ) $(LIBS) -lcmocka

# libFuzzer targets need clang.  -MMD: objects follow their headers.
fuzz: $(FUZZ_BIN)
$(BUILD)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(WARN) $(DEFS) -MMD -MP -g -O1 -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CLANG) $(WARN) $(DEFS) -MMD -MP -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_LIB_OBJ) $(LIBS)

deps:
	@tests/deps.sh

check: deps
	@$(MAKE) --no-print-directory all asan fuzz
	@tests/run.sh

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
