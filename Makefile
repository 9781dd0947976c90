# storypress — build, test, demo, bench, install.
#
# Every .c in lib/ goes into build/libstorypress.a; every stages/X.c becomes
# one program (stages/storypress.c → build/storypress, stages/X.c →
# build/storypress-X); every tests/unit/test_X.c becomes a cmocka binary.
# New modules need no Makefile change.  `make SAN=1` builds the same tree
# into build-san/ with AddressSanitizer and UBSan.

# `make V=1` shows the commands.
Q := $(if $(V),,@)

PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/storypress
SYSCONFDIR ?= $(PREFIX)/etc/storypress
DATADIR    ?= $(PREFIX)/share/storypress
MANDIR     ?= $(PREFIX)/share/man
UNITDIR    ?= $(PREFIX)/lib/systemd/system

CC      ?= cc
PKGS    := jansson libpq libcurl cairo pangocairo pangoft2 fontconfig glib-2.0 libsystemd libjpeg poppler-glib vips libpng
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm

ifeq ($(FUZZ),1)
# libFuzzer: clang instruments the library and the targets in tests/fuzz/.
CC      := clang
BUILD   := build-fuzz
OPT     := -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
           -Wno-unknown-warning-option
LDSAN   := -fsanitize=address,undefined
else ifeq ($(SAN),1)
BUILD   := build-san
OPT     := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDSAN   := -fsanitize=address,undefined
else
BUILD   ?= build
OPT     := -O2
LDSAN   :=
endif

WARN    := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -Wshadow \
           -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation -Wvla
CFLAGS  += -std=gnu11 -g $(OPT) $(WARN) -D_GNU_SOURCE -Ilib -Istages/tool $(PKG_CFLAGS) \
           -DSTORYPRESS_DATADIR='"$(DATADIR)"' -DSTORYPRESS_SYSCONFDIR='"$(SYSCONFDIR)"' \
           -DSTORYPRESS_LIBEXECDIR='"$(LIBEXECDIR)"'
LDLIBS  += $(PKG_LIBS)
LDFLAGS += $(LDSAN)

LIB_SRC   := $(sort $(wildcard lib/*.c))
EMBED_SRC := $(sort $(wildcard sql/*.sql) $(shell find data -type f 2>/dev/null))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/embedded.o
LIB_A     := $(BUILD)/libstorypress.a
STAGE_SRC := $(filter-out stages/storypress.c,$(sort $(wildcard stages/*.c)))
STAGES    := $(STAGE_SRC:stages/%.c=$(BUILD)/storypress-%)
TOOL      := $(BUILD)/storypress
TOOL_SRC  := stages/storypress.c $(sort $(wildcard stages/tool/*.c))
TOOL_OBJ  := $(TOOL_SRC:%.c=$(BUILD)/obj/%.o)
TEST_SRC  := $(sort $(wildcard tests/unit/test_*.c))
TESTS     := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
DEPFILES  := $(LIB_OBJ:.o=.d) $(STAGE_SRC:stages/%.c=$(BUILD)/obj/stages/%.d) $(TOOL_OBJ:.o=.d)

.PHONY: all deps check check-fast test demo bench install clean stress fuzz fuzz-bins fuzz-deps format distclean
all: $(TOOL) $(STAGES)

# Debian packages the build, the tests and the demo need.  Quick when all are
# present: dpkg-query answers, apt-get runs only for what is missing.
DEB_PKGS := build-essential pkg-config libcurl4-openssl-dev libjansson-dev libpq-dev \
  postgresql libcairo2-dev libpango1.0-dev libglib2.0-dev libsystemd-dev libcmocka-dev \
  libjpeg-dev poppler-utils fonts-sil-andika fonts-noto-core fonts-noto-cjk python3 \
  systemd util-linux time groff-base man-db curl valgrind procps strace libpoppler-glib-dev qpdf libvips-dev libpng-dev libjpeg-turbo-progs debootstrap systemd-container
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing" $$missing; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "deps: all present"; fi

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/gen/embedded.c: $(EMBED_SRC) tools/embed.sh
	@mkdir -p $(dir $@)
	tools/embed.sh $@ $(EMBED_SRC)

$(BUILD)/obj/gen/embedded.o: $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(TOOL): $(TOOL_OBJ) $(LIB_A)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/storypress-%: $(BUILD)/obj/stages/%.o $(LIB_A)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(LIB_A)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS) -lcmocka

tests: $(TESTS)

# make check: deps, both builds, then every test (unit, integration against a
# private PostgreSQL, end to end) on the plain build and again on the
# sanitizer build.  tests/run prints the summary line.
check: deps
	$(MAKE) all tests
	$(MAKE) SAN=1 all tests
	tests/run build build-san

# The quick loop while developing: plain build only.
check-fast: all tests
	tests/run build

# make fuzz: each libFuzzer target in tests/fuzz/ for FUZZ_SECONDS (default
# 60), starting from its seed corpus in tests/fuzz/corpus/<target>/; crashes
# are written to build-fuzz/crashes/.
FUZZ_SECONDS ?= 60
FUZZ_BINS := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)
fuzz-bins: $(FUZZ_BINS)
fuzz-deps:
	@missing=$$(for p in clang libfuzzer-14-dev; do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; fi
fuzz: deps fuzz-deps
	$(MAKE) FUZZ=1 fuzz-bins
	tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

demo: deps all
	tests/demo.sh $(BUILD)

bench: deps all
	bench/run.sh $(BUILD)

stress: deps all
	STORYPRESS_STRESS=1 tests/run build

# Units, man pages, sysusers.d and tmpfiles.d carry the default paths
# (PREFIX=/usr/local); UNIT_SED rewrites them for the chosen directories.
# The stage unit is one file installed under each stage's name (see
# systemd/storypress-stage@.service).  PREFIX must be the same at build and
# at install: the programs have SYSCONFDIR and LIBEXECDIR compiled in.
# storypress.conf is 0644: the daemons run as `storypress` and must read it,
# and it holds no secret (those are in credentials, see storypress.conf(5)).
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
UNIT_STAGES := incoming story art pdf print
UNIT_SED    := sed -e 's|/usr/local/libexec/storypress|$(LIBEXECDIR)|g' \
  -e 's|/usr/local/etc/storypress|$(SYSCONFDIR)|g' -e 's|/usr/local/bin|$(BINDIR)|g' \
  -e 's|/usr/local/share/storypress|$(DATADIR)|g'
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SYSCONFDIR) \
	  $(DESTDIR)$(DATADIR)/sql $(DESTDIR)$(DATADIR)/samples $(DESTDIR)$(UNITDIR) \
	  $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
	  $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	install -m 755 $(TOOL) $(DESTDIR)$(BINDIR)/storypress
	install -m 755 $(STAGES) $(DESTDIR)$(LIBEXECDIR)/
	install -m 644 sql/*.sql $(DESTDIR)$(DATADIR)/sql/
	install -m 644 config/samples/*.json $(DESTDIR)$(DATADIR)/samples/
	[ -e $(DESTDIR)$(SYSCONFDIR)/storypress.conf ] || \
	  install -m 644 config/storypress.conf $(DESTDIR)$(SYSCONFDIR)/storypress.conf
	for s in $(UNIT_STAGES); do \
	  $(UNIT_SED) systemd/storypress-stage@.service > $(DESTDIR)$(UNITDIR)/storypress-$$s@.service || exit 1; \
	done
	# A stopping art worker waits for the image requests it paid for:
	# openai_image_timeout (600 s) and a minute to store them.
	sed -i 's/^TimeoutStopSec=90$$/TimeoutStopSec=660/' $(DESTDIR)$(UNITDIR)/storypress-art@.service
	for f in storypress.target storypress-cleanup.service storypress-cleanup.timer \
	  storypress-metrics.service storypress-metrics.timer storypress-webhook.service \
	  storypress-ready.service storypress-stopped.service; do \
	  $(UNIT_SED) systemd/$$f > $(DESTDIR)$(UNITDIR)/$$f || exit 1; done
	install -m 755 systemd/storypress-target-wait $(DESTDIR)$(LIBEXECDIR)/
	install -m 644 systemd/storypress.sysusers $(DESTDIR)$(SYSUSERSDIR)/storypress.conf
	install -m 644 systemd/storypress.tmpfiles $(DESTDIR)$(TMPFILESDIR)/storypress.conf
	$(UNIT_SED) man/storypress.8 > $(DESTDIR)$(MANDIR)/man8/storypress.8
	$(UNIT_SED) man/storypress.conf.5 > $(DESTDIR)$(MANDIR)/man5/storypress.conf.5

format:
	clang-format -i lib/*.c lib/*.h stages/*.c tests/unit/*.c

clean:
	rm -rf build build-san build-fuzz

distclean: clean
	rm -rf demo

-include $(DEPFILES)
