# quotesmith: a batch tool that turns a quote request into a proposal package.
#
#   make            build ./quotesmith
#   make demo       install missing packages, build, render the German sample
#   make test       install missing packages, build, run every test, then the
#                   whole suite again under AddressSanitizer + UBSan
#   make bench      benchmarks (not timed tests)
#   make install    PREFIX=/usr/local

PREFIX    = /usr/local
CC        = cc
CFLAGS    = -std=c11 -Wall -Wextra -Wpedantic -O2 -g
CPPFLAGS  = -D_XOPEN_SOURCE=700 -I/usr/include/libxml2
LDLIBS    = -lhpdf -lxml2 -lpcre2-8 -lpng -ljpeg -lnettle -lz -lm
BUILD     = build/release
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# One module per pipeline stage, plus the shared machinery.
MODULES   = main arena buf diag decimal input load merge price explain \
            regex xpath rules checks format template fonts image layout \
            render_pdf ubl package sha256
OBJECTS   = $(MODULES:%=$(BUILD)/%.o) $(BUILD)/embedded.o
SCHEMAS   = schemas/quote.xsd schemas/pricelist.xsd schemas/department.xsd \
            schemas/rules.xsd schemas/template.xsd
LIB_OBJS  = $(filter-out $(BUILD)/main.o,$(OBJECTS))
UNITS     = test_decimal test_rules test_format test_template test_fonts \
            test_image test_layout test_render_pdf test_ubl test_package test_price_props
UNIT_BINS = $(UNITS:%=$(BUILD)/tests/%)

all: quotesmith

quotesmith: $(BUILD)/quotesmith
	cp $(BUILD)/quotesmith $@

$(BUILD)/quotesmith: $(OBJECTS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJECTS) $(LDLIBS)

$(BUILD)/%.o: src/%.c src/*.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

# The schemas are built into the binary, so it runs from any directory.
$(BUILD)/embedded.c: $(SCHEMAS) scripts/embed.sh Makefile
	@mkdir -p $(@D)
	sh scripts/embed.sh $(SCHEMAS) > $@

$(BUILD)/embedded.o: $(BUILD)/embedded.c src/embedded.h
	$(CC) $(CFLAGS) $(CPPFLAGS) -Isrc -c -o $@ $(BUILD)/embedded.c

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) tests/unit/check.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) -Isrc $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

# Failure-injection shim (tests/shim/README.md): a test tool, never
# sanitized, so it takes no $(CFLAGS).
$(BUILD)/tests/failio.so: tests/shim/failio.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -Wall -Wextra -Wpedantic -O2 -fPIC -shared -o $@ tests/shim/failio.c -ldl

units: $(UNIT_BINS) $(BUILD)/tests/failio.so

deps:
	@sh scripts/deps.sh

demo: deps quotesmith
	./quotesmith check samples/muster-logistik/quote.xml
	./quotesmith build samples/muster-logistik/quote.xml
	./quotesmith build samples/harbour-analytics/quote.xml

# The README's pictures of the demo proposal, made from the real output.
readme-pages: demo
	pdftoppm -r 50 -png -f 1 -l 2 out/2026-0142/2026-0142.pdf docs/images/demo-page
	@ls docs/images/demo-page-*.png

# The suite runs twice: on the release build, then on a sanitizer build.
test: deps
	$(MAKE) quotesmith units
	sh tests/run.sh $(BUILD)/quotesmith $(BUILD)/tests
	$(MAKE) BUILD=build/asan CFLAGS="$(CFLAGS) $(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" build/asan/quotesmith units
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    sh tests/run.sh build/asan/quotesmith build/asan/tests

# A benchmark, not a timed test: prints a table (docs/performance.md).
bench: quotesmith
	sh bench/run.sh

install: quotesmith
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	cp quotesmith $(DESTDIR)$(PREFIX)/bin/
	cp docs/quotesmith.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build quotesmith out

.PHONY: all deps demo readme-pages test units bench install clean
