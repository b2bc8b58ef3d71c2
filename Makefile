# quotesmith: a batch tool that turns a quote request into a proposal package.
#
#   make            build ./quotesmith
#   make demo       install missing packages, build, render the German sample
#                   (revision 1 as sent, revision 2) and print their diff
#   make test       install missing packages, build, run every test, then the
#                   whole suite again under AddressSanitizer + UBSan
#   make bench      benchmarks (not timed tests)
#   make install    PREFIX=/usr/local

PREFIX    = /usr/local
CC        = cc
CFLAGS    = -std=c11 -Wall -Wextra -Wpedantic -O2 -g
CPPFLAGS  = -D_XOPEN_SOURCE=700 -I/usr/include/libxml2
LDLIBS    = -lhpdf -lxml2 -lpcre2-8 -lpng -ljpeg -lnettle -lz -lm
LDLIBS   += -lcsv -ljansson
# report: the register of quote figures (src/register.c)
LDLIBS   += -lsqlite3
# PDF streams are deflated with libdeflate (src/pdf_update.c)
LDLIBS   += -ldeflate
# Everything is linked dynamically, as Debian expects. A static build of
# libxml2/ICU/PCRE2/libjpeg/nettle (a 35 MB binary) saved about 0.7 ms of
# the 13 ms of CPU of one ordinary build and nothing in batch (the workers
# are forks): measured and dropped (docs/performance.md, "Linking").
BUILD     = build/release
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# One module per pipeline stage, plus the shared machinery.
MODULES   = main arena buf diag decimal input values load merge price explain batch report \
            regex xpath rules checks format template template_check template_expr template_res template_style \
            fonts image layout layout_model \
            render_pdf ubl package sha256 catalog
MODULES  += layout_table
MODULES  += layout_tags pdf_tags
MODULES  += pdf_update
MODULES  += diff
MODULES  += lock
MODULES  += csv_read leads leads_docs pool
MODULES  += tax country
MODULES  += utf8 json rule_ids exitcode date
OBJECTS   = $(MODULES:%=$(BUILD)/%.o) $(BUILD)/embedded.o
SCHEMAS   = schemas/quote.xsd schemas/pricelist.xsd schemas/department.xsd \
            schemas/rules.xsd schemas/template.xsd
SCHEMAS  += schemas/leads.xsd
MODULES  += sales salesreport strmap register
MODULES  += chart
SCHEMAS  += schemas/outcomes.xsd schemas/targets.xsd
# diff reads any UBL 2.1 Quotation: the official schemas (tests/ubl-2.1,
# unchanged) are built into the binary too, without their annotations
# (about 500 KB); docs/lifecycle.md.
UBL_SCHEMAS = tests/ubl-2.1/xsd/maindoc/UBL-Quotation-2.1.xsd \
            $(sort $(wildcard tests/ubl-2.1/xsd/common/*.xsd))
SCHEMAS  += $(UBL_SCHEMAS)
# The PDF/A output intent's ICC profile (Debian icc-profiles-free, zlib
# licence; src/pdfa.h) is built in beside the schemas.
ICC_PROFILE = /usr/share/color/icc/sRGB.icc
SCHEMAS  += $(ICC_PROFILE)
MODULES  += pdfa pdf_links pdf_content
MODULES  += pdf_fonts pdf_images
LIB_OBJS  = $(filter-out $(BUILD)/main.o,$(OBJECTS))
UNITS     = test_decimal test_rules test_format test_template test_fonts \
            test_image test_layout test_render_pdf test_ubl test_package \
            test_catalog test_price_props \
            test_report
UNITS    += test_leads
UNITS    += test_tax test_country
UNITS    += test_shared
UNITS    += test_merge
UNITS    += test_pdf_links
UNITS    += test_chart
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

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) tests/unit/check.h tests/unit/priced.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) -Isrc $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

# Failure-injection shim (tests/shim/README.md): a test tool, never
# sanitized, so it takes no $(CFLAGS).
$(BUILD)/tests/failio.so: tests/shim/failio.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -Wall -Wextra -Wpedantic -O2 -fPIC -shared -o $@ tests/shim/failio.c -ldl

$(BUILD)/tests/setlocale.so: tests/shim/setlocale.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -Wall -Wextra -Wpedantic -O2 -fPIC -shared -o $@ tests/shim/setlocale.c

units: $(UNIT_BINS) $(BUILD)/tests/failio.so $(BUILD)/tests/setlocale.so

deps:
	@sh scripts/deps.sh

demo: deps quotesmith
	./quotesmith check samples/muster-logistik/quote.xml
	@# The sample's revision 1 is sent: its package is locked against any
	@# change of its inputs (docs/lifecycle.md). The demo makes it anew from
	@# this checkout each time, so the last demo's package goes first.
	rm -rf out/2026-0142
	./quotesmith build samples/muster-logistik-r1/quote.xml
	./quotesmith build samples/muster-logistik/quote.xml
	./quotesmith diff out/2026-0142/2026-0142.ubl.xml out/2026-0142-r2/2026-0142-r2.ubl.xml; \
	    test $$? -le 1
	./quotesmith build samples/harbour-analytics/quote.xml
	./quotesmith build samples/alpenfirn-export/quote.xml
	./quotesmith report samples/sales-history/quotes --period 2026-Q4 --as-of 2026-12-31 \
	    --outcomes samples/sales-history/outcomes.xml --targets samples/sales-history/targets.xml

# The README's pictures of the demo proposal, made from the real output.
readme-pages: demo
	pdftoppm -r 50 -png -f 1 -l 2 out/2026-0142-r2/2026-0142-r2.pdf docs/images/demo-page
	@ls docs/images/demo-page-*.png
	pdftoppm -r 50 -png -f 1 -l 1 -singlefile out/report-2026-Q4/report.pdf docs/images/report-page-1

# The suite runs three times: on the release build, again on it under a
# decimal-comma locale (de_DE.UTF-8: output must not depend on the
# locale), then on a sanitizer build. A short fuzzing smoke run comes
# first, so that the sanitizer suite's "N passed, N failed" line is the
# last one. Each build and suite prints one line (scripts/step.sh);
# compiler output and failing cases are shown only on failure.
STEP = sh scripts/step.sh
test: deps
	@if command -v clang >/dev/null 2>&1; then \
	    $(STEP) build fuzz $(MAKE) fuzz-build && $(MAKE) -s fuzz-smoke; \
	else echo "fuzz-smoke: skipped (clang is not installed)"; fi
	@$(STEP) build release $(MAKE) quotesmith units
	@$(STEP) suite release sh tests/run.sh $(BUILD)/quotesmith $(BUILD)/tests
	@QS_LOCALE=de_DE.UTF-8 $(STEP) suite release-de_DE sh tests/run.sh $(BUILD)/quotesmith $(BUILD)/tests
	@$(STEP) build asan $(MAKE) BUILD=build/asan CFLAGS="$(CFLAGS) $(SAN_FLAGS)" \
	    LDFLAGS="$(SAN_FLAGS)" build/asan/quotesmith units
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    $(STEP) final asan sh tests/run.sh build/asan/quotesmith build/asan/tests

# A benchmark, not a timed test: prints a table (docs/performance.md).
bench: quotesmith
	sh bench/run.sh

# Templates are read from the project root (every file a build reads stays
# inside it), so they are installed as a starting point to copy from.
install: quotesmith
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/quotesmith
	cp quotesmith $(DESTDIR)$(PREFIX)/bin/
	cp docs/quotesmith.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	cp -R templates schemas $(DESTDIR)$(PREFIX)/share/quotesmith/

# Static analysis (cppcheck is not part of make test: it is slow and its
# findings need a reader).
lint:
	cppcheck --quiet --enable=warning,performance,portability --std=c11 \
	    --error-exitcode=1 -D_XOPEN_SOURCE=700 -I src \
	    --suppress=missingIncludeSystem src/*.c

clean:
	rm -rf build quotesmith out

.PHONY: all deps demo readme-pages test units bench install lint clean

# ---- fuzz (fuzz/README.md) --------------------------------------------------
# libFuzzer harnesses, one per input parser, built with clang from every
# module but main, under AddressSanitizer + UBSan, into build/fuzz/.
#   make fuzz          runs each harness FUZZ_SECONDS, growing the corpus in
#                      build/fuzz/corpus/NAME; crashes in build/fuzz/artifacts
#   make fuzz-smoke    runs each harness FUZZ_SMOKE_SECONDS over its seeds
#                      (fuzz/corpus/NAME) and crash fixtures
#                      (tests/fuzz-regressions/NAME); the end of make test
#                      when clang is installed
FUZZ_CC            = clang
FUZZ_SECONDS      ?= 60
FUZZ_SMOKE_SECONDS ?= 3
FUZZ_BUILD         = build/fuzz
FUZZ_HARNESSES     = decimal pricelist quote department rules template csv
FUZZ_CFLAGS        = -std=c11 -Wall -Wextra -Wpedantic -O1 -g -fno-omit-frame-pointer \
                     -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJS          = $(patsubst %,$(FUZZ_BUILD)/obj/%.o,$(filter-out main,$(MODULES))) \
                     $(FUZZ_BUILD)/obj/embedded.o
FUZZ_BINS          = $(FUZZ_HARNESSES:%=$(FUZZ_BUILD)/fuzz_%)

$(FUZZ_BUILD)/obj/%.o: src/%.c src/*.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(CPPFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/obj/embedded.c: $(SCHEMAS) scripts/embed.sh
	@mkdir -p $(@D)
	sh scripts/embed.sh $(SCHEMAS) > $@

$(FUZZ_BUILD)/obj/embedded.o: $(FUZZ_BUILD)/obj/embedded.c src/embedded.h
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CPPFLAGS) -Isrc -c -o $@ $(FUZZ_BUILD)/obj/embedded.c

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c fuzz/common.c fuzz/common.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(CPPFLAGS) -Isrc \
	    -DQS_FUZZ_REPO='"$(CURDIR)"' -o $@ fuzz/fuzz_$*.c fuzz/common.c \
	    $(FUZZ_OBJS) $(LDLIBS)

# Kept between builds (make would delete them as intermediate files).
.SECONDARY: $(FUZZ_OBJS) $(FUZZ_BUILD)/obj/embedded.c

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	sh fuzz/run.sh fuzz $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	sh fuzz/run.sh smoke $(FUZZ_SMOKE_SECONDS)

.PHONY: fuzz fuzz-build fuzz-smoke
# ---- end fuzz -----------------------------------------------------------------

# ---- leads (docs/leads.md) ---------------------------------------------------
demo: demo-leads
demo-leads: quotesmith
	./quotesmith leads samples/trade-fair/attendees.csv \
	    --rules samples/trade-fair/leads.xml --customers samples --letters

bench: bench-leads
bench-leads: quotesmith
	sh bench/leads.sh

.PHONY: demo-leads bench-leads
# ---- end leads ----------------------------------------------------------------

# ---- templates (docs/templates.md) --------------------------------------------
demo: demo-modern
demo-modern: quotesmith
	./quotesmith build samples/muster-logistik/quote.xml -t templates/modern/template.xml \
	    -o out/modern

# docs/templates.md's pictures, made from the real output: "Your first
# template" (docs/examples/acme-template.xml with the standard fonts) and
# the modern template.
template-pages: demo-modern
	mkdir -p out/acme-template/fonts
	cp templates/standard/fonts/*.ttf out/acme-template/fonts/
	cp docs/examples/acme-template.xml out/acme-template/template.xml
	./quotesmith build samples/muster-logistik/quote.xml -t out/acme-template/template.xml \
	    -o out/acme
	pdftoppm -r 50 -png out/acme/2026-0142-r2.pdf docs/images/first-template
	pdftoppm -r 50 -png -f 1 -l 2 out/modern/2026-0142-r2.pdf docs/images/modern-page

.PHONY: demo-modern template-pages
# ---- end templates ------------------------------------------------------------
# ---- report (docs/report.md) ---------------------------------------------------
bench: bench-report
bench-report: quotesmith
	sh bench/report.sh

.PHONY: bench-report
# ---- end report ---------------------------------------------------------------
