# nsnfs top-level build.  GNU make + pkg-config; everything lands in $(O).
#
#   make            libraries and front ends
#   make check      deps + build + every test tier (unit, fuzz, host, vm)
#   make demo       deps + build + narrated scenario in the VM
#   make asan       unit + fuzz-smoke tiers under ASan+UBSan (separate build dir)
#   make deps       install missing Debian 12 packages (idempotent)

O        ?= build
CC       ?= cc
PREFIX   ?= /usr
SBINDIR  ?= /sbin
UNITDIR  ?= /lib/systemd/system
DESTDIR  ?=
FUZZ_SECONDS ?= 20
export FUZZ_SECONDS

PKGS      := libtirpc libmnl libnl-route-3.0 libkmod mount lmdb
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wformat=2 \
            -Wmissing-prototypes -Wstrict-prototypes
VERSION  := 0.1
BASE_CFLAGS := -std=gnu11 -O2 -g -D_GNU_SOURCE -fno-strict-aliasing -DNSNFS_VERSION='"$(VERSION)"' \
               -I. -I$(O) $(PKG_CFLAGS)
ifdef SANITIZE
BASE_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDSAN       := -fsanitize=address,undefined
endif
CFLAGS   ?=
ALL_CFLAGS = $(BASE_CFLAGS) $(WARN) $(CFLAGS)
# rpcgen output is not warning-clean; it is built with warnings but not -Werror.
GEN_CFLAGS = $(BASE_CFLAGS) -w $(CFLAGS)
LDFLAGS  ?=
ALL_LDFLAGS = $(LDSAN) $(LDFLAGS)

# ---- sources -----------------------------------------------------------------
COMMON_SRC  := $(wildcard common/*.c)
RPCCLNT_SRC := $(wildcard rpcclnt/*.c)
RPCCLNT_X   := $(wildcard rpcclnt/*.x)
NSCACHE_SRC := $(filter-out nscache/nscache-cli.c,$(wildcard nscache/*.c))
# The mount pipeline shared by the front ends (mount.nfs4, nsmount).
FRONT_SRC   := $(filter-out %-main.c,$(wildcard mount/*.c))

RPCGEN_H := $(patsubst rpcclnt/%.x,$(O)/rpcclnt/%.h,$(RPCCLNT_X))
RPCGEN_C := $(patsubst rpcclnt/%.x,$(O)/rpcclnt/%_xdr.c,$(RPCCLNT_X))

COMMON_OBJ  := $(patsubst %.c,$(O)/obj/%.o,$(COMMON_SRC))
RPCCLNT_OBJ := $(patsubst %.c,$(O)/obj/%.o,$(RPCCLNT_SRC)) $(RPCGEN_C:.c=.o)
NSCACHE_OBJ := $(patsubst %.c,$(O)/obj/%.o,$(NSCACHE_SRC))
FRONT_OBJ   := $(patsubst %.c,$(O)/obj/%.o,$(FRONT_SRC))

# Link order: users before what they use.
LIBS_A := $(O)/libnsnfs-mount.a $(O)/libnscache.a $(O)/librpcclnt.a $(O)/libnsnfs-common.a

# Front ends: one binary per main source.  umount.nfs4, mount.nfs and
# umount.nfs are links to mount.nfs4 (it dispatches on argv[0]), as in nfs-utils.
PROGRAMS := $(O)/mount.nfs4 $(O)/nsmount
ifneq ($(wildcard nscache/nscache-cli.c),)
PROGRAMS += $(O)/nscache
endif
MOUNT_LINKS := mount.nfs umount.nfs4 umount.nfs

UNIT_SRC := $(wildcard tests/unit/test-*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(O)/tests/unit/%,$(UNIT_SRC))
FUZZ_SRC := $(wildcard tests/fuzz/fuzz-*.c)

ALL_OBJ := $(COMMON_OBJ) $(RPCCLNT_OBJ) $(NSCACHE_OBJ) $(FRONT_OBJ)

.PHONY: all check check-unit check-fuzz check-host check-vm check-kernel kernel kernel-lint \
        demo asan deps \
        install uninstall install-divert uninstall-divert clean format bench fuzz-build
.DELETE_ON_ERROR:

all: $(PROGRAMS) $(addprefix $(O)/,$(MOUNT_LINKS))

# ---- generated XDR -----------------------------------------------------------
$(O)/rpcclnt/%.h: rpcclnt/%.x
	@mkdir -p $(@D)
	rm -f $@ && cp $< $(@D)/$(*F).x && cd $(@D) && rpcgen -h -o $(@F) $(*F).x && rm -f $(*F).x

$(O)/rpcclnt/%_xdr.c: rpcclnt/%.x $(O)/rpcclnt/%.h
	@mkdir -p $(@D)
	@# rpcgen names the header after its input: run it on a copy beside the output.
	rm -f $@ && cp $< $(@D)/$(*F).x && cd $(@D) && rpcgen -c -o $(@F) $(*F).x && rm -f $(*F).x

$(RPCGEN_C:.c=.o): %.o: %.c
	$(CC) $(GEN_CFLAGS) -c -o $@ $<

# ---- objects and libraries ---------------------------------------------------
# Objects live under obj/ so that binaries (build/nscache) never collide with
# a source directory's object directory.
$(O)/obj/%.o: %.c $(RPCGEN_H)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/libnsnfs-common.a: $(COMMON_OBJ)
	rm -f $@ && ar rcs $@ $^
$(O)/librpcclnt.a: $(RPCCLNT_OBJ)
	rm -f $@ && ar rcs $@ $^
$(O)/libnsnfs-mount.a: $(FRONT_OBJ)
	rm -f $@ && ar rcs $@ $^
$(O)/libnscache.a: $(NSCACHE_OBJ)
	rm -f $@ && ar rcs $@ $^

$(O)/mount.nfs4: $(O)/obj/mount/mount-main.o $(LIBS_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(O)/nsmount: $(O)/obj/mount/nsmount-main.o $(LIBS_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(O)/nscache: $(O)/obj/nscache/nscache-cli.o $(LIBS_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(addprefix $(O)/,$(MOUNT_LINKS)): $(O)/mount.nfs4
	ln -sf mount.nfs4 $@

# ---- unit tests ---------------------------------------------------------------
# A test may wrap syscalls for error paths: a line "nsnfs-wrap: sym sym" in its
# source becomes -Wl,--wrap=sym for each.
wrap_flags = $(foreach s,$(shell sed -n 's/.*nsnfs-wrap: *\([a-z0-9_ ]*\).*/\1/p' $(1)),-Wl,--wrap=$(s))

$(O)/tests/unit/%: tests/unit/%.c $(LIBS_A) $(RPCGEN_H)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -MMD -MP -MF $@.d -o $@ $< $(LIBS_A) $(ALL_LDFLAGS) \
		$(call wrap_flags,$<) $(CMOCKA_LIBS) $(PKG_LIBS)

check-unit: $(UNIT_BIN)
	@tests/unit/run-tier $(O)

# ---- fuzz targets (clang libFuzzer, separate objects) ------------------------
fuzz-build: $(RPCGEN_H) $(RPCGEN_C)
	@$(MAKE) --no-print-directory -f tests/fuzz/fuzz.mk O=$(O)/fuzz SRC_O=$(O) \
		PKG_CFLAGS='$(PKG_CFLAGS)' PKG_LIBS='$(PKG_LIBS)' all

check-fuzz: fuzz-build
	@tests/fuzz/run-tier $(O)/fuzz

# ---- host and vm tiers -------------------------------------------------------
check-host: all
	@tests/host/run-tier $(CURDIR)/$(O)

KERNEL ?=
check-vm: all
	@tests/vm/run-tier --build $(CURDIR)/$(O) $(if $(KERNEL),--kernel $(KERNEL))

# ---- kernel patch series (kernel-patches/) -----------------------------------
kernel:
	@kernel-patches/scripts/build
kernel-lint:
	@kernel-patches/scripts/lint
check-kernel: all
	@kernel-patches/scripts/check $(CURDIR)/$(O)

# ---- top-level entry points --------------------------------------------------
deps:
	@tests/deps.sh

check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN)
	@tests/run-all $(O)

demo: deps
	@$(MAKE) --no-print-directory all
	@tests/vm/demo --build $(CURDIR)/$(O)

asan:
	@$(MAKE) --no-print-directory O=build-asan SANITIZE=1 all \
		$(patsubst $(O)/%,build-asan/%,$(UNIT_BIN))
	@tests/unit/run-tier build-asan
	@$(MAKE) --no-print-directory O=build-asan check-fuzz

bench: all
	@tests/bench/run $(CURDIR)/$(O)
	@tests/bench/nscache $(CURDIR)/$(O)

# ---- install -----------------------------------------------------------------
# INSTALL_DEPS= installs what is in $(O) as it is (no rebuild: e.g. from a
# read-only build tree, as tests/vm/t-mnt4-install-divert does).
INSTALL_DEPS ?= all
install: $(INSTALL_DEPS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(O)/mount.nfs4 $(DESTDIR)$(SBINDIR)/mount.nfs4
	for l in $(MOUNT_LINKS); do ln -sf mount.nfs4 $(DESTDIR)$(SBINDIR)/$$l; done
	install -m 0755 $(filter-out $(O)/mount.nfs4,$(PROGRAMS)) $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|/usr/bin/nscache|$(PREFIX)/bin/nscache|' nscache/nscache-watch.service \
		>$(DESTDIR)$(UNITDIR)/nscache-watch.service

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/mount.nfs4 $(addprefix $(DESTDIR)$(SBINDIR)/,$(MOUNT_LINKS))
	rm -f $(patsubst $(O)/%,$(DESTDIR)$(PREFIX)/bin/%,$(filter-out $(O)/mount.nfs4,$(PROGRAMS)))
	rm -f $(DESTDIR)$(UNITDIR)/nscache-watch.service

# dpkg-divert moves nfs-utils' helpers aside (reversibly) before we install.
DIVERTED := mount.nfs4 mount.nfs umount.nfs4 umount.nfs
install-divert: $(INSTALL_DEPS)
	@for f in $(DIVERTED); do \
		dpkg-divert --quiet --local --rename --divert /sbin/$$f.nfs-utils --add /sbin/$$f; done
	@$(MAKE) --no-print-directory install SBINDIR=/sbin
uninstall-divert:
	@$(MAKE) --no-print-directory uninstall SBINDIR=/sbin
	@for f in $(DIVERTED); do \
		dpkg-divert --quiet --local --rename --remove /sbin/$$f; done

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(O) build-asan

-include $(ALL_OBJ:.o=.d) $(patsubst %.c,$(O)/obj/%.d,$(wildcard mount/*-main.c nscache/nscache-cli.c)) \
	$(addsuffix .d,$(UNIT_BIN))
