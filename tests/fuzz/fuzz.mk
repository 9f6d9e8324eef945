# Fuzz targets: clang libFuzzer + ASan + UBSan.  Called from the top Makefile:
#   make -f tests/fuzz/fuzz.mk O=build/fuzz SRC_O=build PKG_CFLAGS=... PKG_LIBS=...
# Library sources are recompiled here with coverage instrumentation; rpcgen
# headers/sources come from the main build in $(SRC_O).
FUZZ_CC ?= clang
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS := -std=gnu11 -g -O1 -D_GNU_SOURCE -I. -I$(SRC_O) $(PKG_CFLAGS) $(SAN) \
	-fsanitize=fuzzer-no-link -Wall -Wextra -Werror -Wno-unused-parameter
GEN_CFLAGS := -std=gnu11 -g -O1 -D_GNU_SOURCE -I. -I$(SRC_O) $(PKG_CFLAGS) $(SAN) \
	-fsanitize=fuzzer-no-link -w

LIB_SRC := $(wildcard common/*.c rpcclnt/*.c) \
	$(filter-out nscache/nscache-cli.c,$(wildcard nscache/*.c))
GEN_SRC := $(wildcard $(SRC_O)/rpcclnt/*_xdr.c)
LIB_OBJ := $(patsubst %.c,$(O)/obj/%.o,$(LIB_SRC)) \
	$(patsubst $(SRC_O)/%.c,$(O)/gen/%.o,$(GEN_SRC))
TARGETS := $(patsubst tests/fuzz/%.c,$(O)/%,$(wildcard tests/fuzz/fuzz-*.c))

.DELETE_ON_ERROR:
all: $(TARGETS)

$(O)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CFLAGS) -MMD -MP -c -o $@ $<
$(O)/gen/%.o: $(SRC_O)/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(GEN_CFLAGS) -c -o $@ $<
$(O)/fuzz-%: tests/fuzz/fuzz-%.c $(LIB_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB_OBJ) $(PKG_LIBS)

-include $(LIB_OBJ:.o=.d)
